import type { FeedDefinition } from '../feeds/catalog';
import { Allowance } from './allowance';
import { departmentBatches } from './batches';
import { fingerprint, fingerprintSet } from './fingerprint';
import { CLOCK_TOLERANCE_MS, nextRecovery } from './recovery';
import { catchUp, replayOwed, type Context } from './replay';
import { Halt, PAGE_SIZE, Run, concurrencyOf, pool, type Batch, type DrainStats, type RunOptions } from './run';
import type { DrainRecord, OwedReplay, RecoveryState } from './types';

export interface DrainOptions extends RunOptions {
	feed: FeedDefinition;
	/** Departments to read, batched by 20; none for the whole practice. */
	departmentIds?: readonly number[];
	/** Records per drain at most (asks for `limit = min(1000, remaining)`); the rest stays queued. */
	maxRecords?: number;
	/** Batches read at the same time (1 to 20). */
	concurrency?: number;
	/** Pages per batch at most: 1 reads once. */
	maxPagesPerBatch?: number;
	/**
	 * Crash recovery: the state saved with the last emitted drain, and whether the caller's memory
	 * was lost since (then the whole window is read again; owed replays are read in any case).
	 */
	recovery?: { state: RecoveryState; replay: boolean };
}

export interface DrainResult {
	/** Every record read, transformed: nothing fetched is ever left out, even when `error` is set. */
	items: DrainRecord[];
	/** Crash-recovery state to save with the items (only with `recovery`). */
	recovery?: RecoveryState;
	stats: DrainStats;
	/** Why the drain stopped with records possibly left in athena's queue. */
	stoppedBy?: 'budget' | 'maxRecords';
	/** The first call that failed after its retries; the other batches stopped after their call in flight. */
	error?: unknown;
}

/** Replays owed now: those saved, plus every batch from the window's start when memory was lost. */
function owedNow(recovery: DrainOptions['recovery'], batches: Batch[]): OwedReplay[] {
	if (!recovery) return [];
	const owed = [...(recovery.state.owed ?? [])];
	const { windowStart } = recovery.state;
	if (recovery.replay && windowStart !== undefined) {
		for (const batch of batches) owed.push({ departmentIds: batch.departmentIds && [...batch.departmentIds], from: windowStart });
	}
	// One replay per set of departments, from the earliest start owed.
	const byKey = new Map<string, OwedReplay>();
	for (const entry of owed) {
		const key = entry.departmentIds?.join(',') ?? '*';
		const known = byKey.get(key);
		if (!known || entry.from < known.from) byKey.set(key, entry);
	}
	return [...byKey.values()];
}

/**
 * Drains a changed-data feed: first the replays crash recovery owes, then every batch until a page
 * comes back short (never following athena's `next`: offset paging skips records on a feed that
 * deletes on read). One call at a time per batch, batches in parallel, the very first call alone so
 * that one token fetch serves the drain.
 */
export async function drain(options: DrainOptions): Promise<DrainResult> {
	const recovery = options.recovery;
	const run = new Run({
		...options,
		clockOffsetMs: recovery?.state.clockOffsetMs ?? options.clockOffsetMs,
		notBefore: recovery?.state.windowStart,
	});
	const batches: Batch[] = departmentBatches(options.departmentIds).map((departmentIds) => ({ departmentIds }));
	const concurrency = concurrencyOf(options.concurrency);
	const allowance = new Allowance(options.maxRecords ?? Infinity);
	const ctx: Context = {
		run,
		pageSize: PAGE_SIZE,
		maxItems: Infinity,
		canOwe: recovery !== undefined,
		tolerance: CLOCK_TOLERANCE_MS,
		dedupe: { seen: fingerprintSet(recovery?.state.recent), print: (record) => fingerprint(record, options.feed) },
	};

	const owed = owedNow(recovery, batches);
	const unpaid = owed.length ? await replayOwed(ctx, owed, concurrency) : [];
	allowance.spend(run.recovered);
	let drained = false;
	if (unpaid.length === 0 && !run.stopped && (await passGuard(run, recovery?.state.guardUntil, options.sleep))) {
		drained = true;
		const maxPages = options.maxPagesPerBatch ?? Infinity;
		await pool(batches, concurrency, (batch) => drainBatch(ctx, batch, allowance, maxPages));
	}

	return {
		items: run.items,
		recovery: recovery && nextRecovery(recovery.state, run, batches, { drained, unpaid, tolerance: ctx.tolerance, print: ctx.dedupe.print }),
		stats: run.stats(batches.length),
		stoppedBy: run.stoppedBy,
		error: run.error,
	};
}

async function drainBatch(ctx: Context, batch: Batch, allowance: Allowance, maxPages: number): Promise<void> {
	const { run } = ctx;
	try {
		for (let pages = 0; pages < maxPages && !run.stopped && run.checkTime(); pages++) {
			const limit = await allowance.reserve(ctx.pageSize, () => run.stopped);
			if (limit === 0) {
				if (!run.stopped) run.stoppedBy = 'maxRecords';
				break;
			}
			let count = 0;
			try {
				const page = await run.call('drain', { departmentIds: batch.departmentIds, limit }, batch);
				count = page.records.length;
				run.emit(page, batch, false);
			} finally {
				allowance.settle(limit, count);
			}
			if (count < limit) break;
		}
	} catch (error) {
		if (!(error instanceof Halt)) run.fail(error);
	}
	// A call that may have removed records without delivering them: read that stretch again now,
	// unless athena kept failing and crash recovery can owe the replay to the next poll instead.
	if (batch.suspect !== undefined && !(run.error !== undefined && ctx.canOwe)) await catchUp(ctx, batch);
}

/** Waits until athena's clock passes the guard, so this drain's reads fall inside the saved window. */
async function passGuard(run: Run, guardUntil: number | undefined, sleep: (ms: number) => Promise<void>): Promise<boolean> {
	if (guardUntil === undefined) return true;
	const wait = guardUntil - run.serverNow();
	if (wait <= 0) return true;
	if (!run.hasTime(wait)) {
		run.stoppedBy ??= 'budget';
		return false;
	}
	await sleep(wait);
	return true;
}
