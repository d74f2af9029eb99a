import type { FeedDefinition } from '../feeds/catalog';
import { Allowance } from './allowance';
import { departmentBatches } from './batches';
import { fingerprint, fingerprintSet } from './fingerprint';
import { CLOCK_TOLERANCE_MS, END_SLACK_MS, nextRecovery } from './recovery';
import { ReplayBudget, catchUp, replayOwed, type Context } from './replay';
import {
	Halt,
	PAGE_SIZE,
	Run,
	concurrencyOf,
	pageSignature,
	pool,
	type Batch,
	type Dedupe,
	type DrainStats,
	type RunOptions,
	type StopReason,
} from './run';
import type { DrainRecord, OwedReplay, PageQuota, RecoveryState } from './types';

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
	stoppedBy?: StopReason;
	/** The lowest daily quota athena reported during the drain. */
	quota?: PageQuota;
	/** The first call that failed after its retries; the other batches stopped after their call in flight. */
	error?: unknown;
	/** Why parts of the drain stopped early (budgets, athena repeating pages), for the caller's log. */
	notes: string[];
}

/**
 * Replays owed now: those saved, plus every batch from the window's start when memory was lost
 * (up to now: whatever this drain reads later is its own).
 */
function owedNow(recovery: DrainOptions['recovery'], batches: Batch[], now: number): OwedReplay[] {
	if (!recovery) return [];
	const owed = [...(recovery.state.owed ?? [])];
	const { windowStart } = recovery.state;
	if (recovery.replay && windowStart !== undefined) {
		for (const batch of batches)
			owed.push({
				departmentIds: batch.departmentIds && [...batch.departmentIds],
				from: windowStart,
				to: now + END_SLACK_MS,
			});
	}
	// One replay per set of departments and start: a replay under way keeps its progress.
	const byKey = new Map<string, OwedReplay>();
	for (const entry of owed) {
		const key = `${entry.departmentIds?.join(',') ?? '*'}@${entry.from}`;
		const known = byKey.get(key);
		if (!known) byKey.set(key, { ...entry });
		else {
			known.to =
				known.to === undefined || entry.to === undefined ? undefined : Math.max(known.to, entry.to);
			known.offset = Math.min(known.offset ?? 0, entry.offset ?? 0) || undefined;
		}
	}
	return [...byKey.values()];
}

/** Saved fingerprints of replayed records that may still be queued, by fingerprint. */
function pendingOf(recovery: DrainOptions['recovery']): Map<string, number> {
	const pending = new Map<string, number>();
	for (const [second, list] of Object.entries(recovery?.state.pending ?? {}))
		for (const key of list) pending.set(key, Number(second));
	return pending;
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
	const batches: Batch[] = departmentBatches(options.departmentIds).map((departmentIds) => ({
		departmentIds,
	}));
	const concurrency = concurrencyOf(options.concurrency);
	const maxRecords = options.maxRecords ?? Infinity;
	const allowance = new Allowance(maxRecords);
	// Replayed records that may still be queued: known to every replay and drain of this run.
	const pending = pendingOf(recovery);
	const seen = fingerprintSet(recovery?.state.recent);
	for (const key of pending.keys()) seen.add(key);
	const ctx: Context = {
		run,
		pageSize: PAGE_SIZE,
		// Replays before the drain take at most half of Max Records, so the queue always moves.
		maxItems: Number.isFinite(maxRecords) ? Math.max(1, Math.ceil(maxRecords / 2)) : Infinity,
		canOwe: recovery !== undefined,
		tolerance: CLOCK_TOLERANCE_MS,
		dedupe: {
			seen,
			print: (record) => fingerprint(record, options.feed),
			onNew: (key, time) => pending.set(key, Math.floor(time / 1000)),
		},
		budget: ReplayBudget.forPoll(run, options.deadline),
	};

	const owed = owedNow(recovery, batches, run.serverNow());
	const unpaid = owed.length ? await replayOwed(ctx, owed, concurrency) : [];
	allowance.spend(run.recovered);
	// A destructive read drops what a replay already emitted (athena may include queued records in a
	// replay) and what the last drain's tail holds; nothing to compare with, nothing to fingerprint.
	const drainDedupe: Dedupe | undefined = seen.size
		? { seen, print: ctx.dedupe.print, remember: false, onDuplicate: (key) => pending.delete(key) }
		: undefined;
	let drained = false;
	// A replay cut short by its own budget leaves the drain its time: its window's end is fixed.
	if (!run.stopped && (await passGuard(run, recovery?.state.guardUntil, options.sleep))) {
		drained = true;
		const maxPages = options.maxPagesPerBatch ?? Infinity;
		await pool(batches, concurrency, (batch) =>
			drainBatch(ctx, batch, allowance, maxPages, drainDedupe),
		);
	}
	if (run.stoppedBy === 'budget')
		run.note(
			'the drain stopped at the poll time budget; the rest stays queued in athena for the next poll',
		);

	return {
		items: run.items,
		recovery:
			recovery &&
			nextRecovery(recovery.state, run, batches, {
				drained,
				unpaid,
				pending,
				tolerance: ctx.tolerance,
				print: ctx.dedupe.print,
			}),
		stats: run.stats(batches.length),
		stoppedBy: run.stoppedBy,
		quota: run.quota,
		error: run.error,
		notes: run.notes,
	};
}

async function drainBatch(
	ctx: Context,
	batch: Batch,
	allowance: Allowance,
	maxPages: number,
	dedupe: Dedupe | undefined,
): Promise<void> {
	const { run } = ctx;
	let previous: string | undefined;
	try {
		for (let pages = 0; pages < maxPages && !run.stopped && run.checkTime(); pages++) {
			const limit = await allowance.reserve(ctx.pageSize, () => run.stopped);
			if (limit === 0) {
				if (!run.stopped) run.stoppedBy = 'maxRecords';
				break;
			}
			let count = 0;
			let repeated = false;
			try {
				const page = await run.call('drain', { departmentIds: batch.departmentIds, limit }, batch);
				const signature = pageSignature(page.records);
				repeated = signature !== '' && signature === previous;
				previous = signature;
				// A read that removes what it returns cannot answer the same page twice: athena is not
				// removing, so asking again would make no progress.
				if (!repeated) {
					count = page.records.length;
					run.emit(page, batch, false, dedupe);
				}
			} finally {
				allowance.settle(limit, count);
			}
			if (repeated) {
				run.note(
					'athena answered the same page twice to a destructive read; the batch stopped (no progress) and the rest waits for the next poll',
				);
				break;
			}
			if (count < limit) break;
		}
	} catch (error) {
		if (!(error instanceof Halt)) run.fail(error);
	}
	// A call that may have removed records without delivering them: read that stretch again now,
	// unless athena kept failing and crash recovery can owe the replay to the next poll instead.
	if (batch.suspect !== undefined && !(run.error !== undefined && ctx.canOwe))
		await catchUp(ctx, batch);
}

/** Waits until athena's clock passes the guard, so this drain's reads fall inside the saved window. */
async function passGuard(
	run: Run,
	guardUntil: number | undefined,
	sleep: (ms: number) => Promise<void>,
): Promise<boolean> {
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
