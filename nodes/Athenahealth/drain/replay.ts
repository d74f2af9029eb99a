import { departmentBatches } from './batches';
import { easternWindow } from './eastern';
import { floorSecond, overlaps } from './recovery';
import { Halt, PAGE_SIZE, Run, concurrencyOf, pool, type Batch, type Dedupe, type RunOptions } from './run';
import type { DrainResult } from './drain';
import type { OwedReplay } from './types';

/**
 * Reading already-processed records again (athena's showprocessed window). A replay deletes
 * nothing, so it pages with offsets; it serves crash recovery (owed replays, catch-ups) and the
 * action's read of a processed window.
 */

/** Seed: athena keeps unread records 24 hours; nothing older can be replayed. */
const RETENTION_MS = 24 * 3_600_000;
/** A replay window ends this far past athena's estimated time, so clock error never cuts it short. */
const END_SLACK_MS = 60_000;

/** What a drain shares with its replays. */
export interface Context {
	run: Run;
	pageSize: number;
	/** Replays stop at this many items in all. */
	maxItems: number;
	/** Whether a lost page can be left to a later poll (crash recovery keeps owed replays). */
	canOwe: boolean;
	tolerance: number;
	dedupe: Dedupe;
}

export interface ReplayOptions extends RunOptions {
	departmentIds?: readonly number[];
	/** athena's clock, epoch ms: the window [start, end], both ends to the second. */
	start: number;
	end: number;
	concurrency?: number;
	maxRecords?: number;
}

/** The action's read of a processed window, on the drain's own paging and batches. */
export async function replay(options: ReplayOptions): Promise<Omit<DrainResult, 'recovery'>> {
	const run = new Run(options);
	const batches: Batch[] = departmentBatches(options.departmentIds).map((departmentIds) => ({ departmentIds }));
	const ctx: Context = {
		run,
		pageSize: PAGE_SIZE,
		maxItems: options.maxRecords ?? Infinity,
		canOwe: false,
		tolerance: 0,
		dedupe: { seen: new Set(), print: String },
	};
	const window = easternWindow(options.start, options.end);
	await pool(batches, concurrencyOf(options.concurrency), async (batch) => {
		await replayPages(ctx, 'replay', batch, window);
	});
	return { items: run.items, stats: run.stats(batches.length), stoppedBy: run.stoppedBy, quota: run.quota, error: run.error };
}

/** Replays [suspect - tolerance, now] for the batch and emits what this drain never received. */
export async function catchUp(ctx: Context, batch: Batch): Promise<void> {
	const { run, tolerance } = ctx;
	const start = floorSecond(batch.suspect! - tolerance);
	const seen = new Set(ctx.dedupe.seen);
	for (const span of run.spans) {
		if (span.departmentIds !== batch.departmentIds || span.time < start - tolerance) continue;
		for (let index = span.start; index < span.end; index++) seen.add(ctx.dedupe.print(run.items[index]));
	}
	const window = easternWindow(start, run.serverNow() + END_SLACK_MS);
	if (await replayPages(ctx, 'catchUp', batch, window, { seen, print: ctx.dedupe.print })) batch.suspect = undefined;
}

/** Reads the owed replays (one call at a time for departments two of them share); returns those left unread. */
export async function replayOwed(ctx: Context, owed: OwedReplay[], concurrency: number): Promise<OwedReplay[]> {
	const end = ctx.run.serverNow() + END_SLACK_MS;
	const shared = owed.some((a, i) => owed.some((b, j) => i < j && overlaps(a.departmentIds, b.departmentIds)));
	const unpaid: OwedReplay[] = [];
	await pool(owed, shared ? 1 : concurrency, async (entry) => {
		const window = easternWindow(Math.max(entry.from, end - RETENTION_MS), end);
		if (!(await replayPages(ctx, 'replay', { departmentIds: entry.departmentIds }, window, ctx.dedupe))) unpaid.push(entry);
	});
	return unpaid;
}

/** Pages through already-processed records with offsets (a replay deletes nothing); true when complete. */
async function replayPages(
	ctx: Context,
	kind: 'replay' | 'catchUp',
	batch: Batch,
	window: { start: string; end: string },
	dedupe?: Dedupe,
): Promise<boolean> {
	const { run } = ctx;
	try {
		for (let offset = 0; run.checkTime(); ) {
			const limit = Math.min(ctx.pageSize, ctx.maxItems - run.items.length);
			if (limit <= 0) {
				run.stoppedBy ??= 'maxRecords';
				break;
			}
			const request = { departmentIds: batch.departmentIds, limit, replay: { ...window, offset } };
			const page = await run.call(kind, request, batch, kind === 'catchUp');
			run.emit(page, batch, true, dedupe);
			if (page.records.length < limit) return true;
			offset += page.records.length;
		}
	} catch (error) {
		if (!(error instanceof Halt)) run.fail(error);
	}
	return false;
}

