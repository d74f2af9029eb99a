import { departmentBatches } from './batches';
import { easternWindow } from './eastern';
import type { FeedDefinition } from '../feeds/catalog';
import { fingerprint } from './fingerprint';
import { END_SLACK_MS, RETENTION_MS, floorSecond, overlaps } from './recovery';
import {
	Halt,
	PAGE_SIZE,
	Run,
	concurrencyOf,
	pageSignature,
	pool,
	type Batch,
	type Dedupe,
	type RunOptions,
} from './run';
import type { DrainResult } from './drain';
import type { OwedReplay } from './types';

/**
 * Reading already-processed records again (athena's showprocessed window). A replay deletes
 * nothing, so it pages with offsets; it serves crash recovery (owed replays, catch-ups) and the
 * action's read of a processed window. What athena's window returns is partly unknown
 * (docs/athena-contract.md#unconfirmed), so a replay is right either way:
 * - it may also return records still queued: every record it emits is fingerprinted, and the
 *   drains of this poll and later ones drop them when they return them (see `pending`);
 * - it may ignore `offset`: a page that repeats the previous one ends the paging, and the window
 *   is split in two by time until each part fits one page (athena's window is to the second);
 * - its calls come from a budget of their own, so a replay that cannot finish leaves the poll
 *   time and calls for the drain, and stays owed to the next poll.
 */

/** Calls the replays of one poll may make in all (each reads up to 1000 records). */
export const REPLAY_CALL_BUDGET = 40;
/** Share of the poll's time the replays before the drain may use; the drain keeps the rest. */
const REPLAY_TIME_SHARE = 0.5;

/** The calls and time the replays of one run may still use. */
export class ReplayBudget {
	private used = 0;

	constructor(
		private readonly calls: number,
		private readonly until?: number,
	) {}

	/**
	 * Takes one call; false (with a note saying why) when the budget is spent. A catch-up after the
	 * drain has only the call limit (the poll's own deadline still holds).
	 */
	take(run: Run, kind: 'replay' | 'catchUp'): boolean {
		if (this.used >= this.calls) {
			run.note(
				`a replay stopped at its budget of ${this.calls} calls; the rest of its window is read by the next poll`,
			);
			return false;
		}
		if (kind === 'replay' && this.until !== undefined && run.now() > this.until) {
			run.note(
				'a replay stopped at its share of the poll time; the rest of its window is read by the next poll',
			);
			return false;
		}
		this.used++;
		return true;
	}

	/** The budget for replays before the drain: REPLAY_CALL_BUDGET calls and a share of the time left. */
	static forPoll(run: Run, deadline: number | undefined): ReplayBudget {
		const now = run.now();
		return new ReplayBudget(
			REPLAY_CALL_BUDGET,
			deadline === undefined ? undefined : now + (deadline - now) * REPLAY_TIME_SHARE,
		);
	}
}

/** What a drain shares with its replays. */
export interface Context {
	run: Run;
	pageSize: number;
	/** Replays (not catch-ups) stop once the run holds this many items. */
	maxItems: number;
	/** Whether a lost page can be left to a later poll (crash recovery keeps owed replays). */
	canOwe: boolean;
	tolerance: number;
	dedupe: Dedupe;
	budget: ReplayBudget;
	/** athena ignored `offset` once in this run: split full windows at once instead of asking for the next page. */
	offsetIgnored?: boolean;
}

export interface ReplayOptions extends RunOptions {
	departmentIds?: readonly number[];
	/** athena's clock, epoch ms: the window [start, end], both ends to the second. */
	start: number;
	end: number;
	concurrency?: number;
	maxRecords?: number;
	/** Recognises a record read twice when the window must be split (default: the whole record). */
	feed?: FeedDefinition;
}

/** The action's read of a processed window, on the drain's own paging and batches. */
export async function replay(options: ReplayOptions): Promise<Omit<DrainResult, 'recovery'>> {
	const run = new Run(options);
	const batches: Batch[] = departmentBatches(options.departmentIds).map((departmentIds) => ({
		departmentIds,
	}));
	const maxItems = options.maxRecords ?? Infinity;
	const { feed } = options;
	const ctx: Context = {
		run,
		pageSize: PAGE_SIZE,
		maxItems,
		canOwe: false,
		tolerance: 0,
		dedupe: {
			seen: new Set(),
			print: (record) => (feed ? fingerprint(record, feed) : JSON.stringify(record)),
		},
		// Enough calls for maxRecords in pages, and for the splits of a window athena will not page.
		budget: new ReplayBudget(
			Number.isFinite(maxItems) ? 4 * Math.ceil(maxItems / PAGE_SIZE) + 20 * batches.length : 500,
			options.deadline,
		),
	};
	await pool(batches, concurrencyOf(options.concurrency), async (batch) => {
		await replayPages(ctx, 'replay', batch, options.start, options.end, ctx.dedupe);
	});
	return {
		items: run.items,
		stats: run.stats(batches.length),
		stoppedBy: run.stoppedBy,
		quota: run.quota,
		error: run.error,
		notes: run.notes,
	};
}

/** Replays [suspect - tolerance, now] for the batch and emits what this drain never received. */
export async function catchUp(ctx: Context, batch: Batch): Promise<void> {
	const { run, tolerance } = ctx;
	const start = floorSecond(batch.suspect! - tolerance);
	const seen = new Set(ctx.dedupe.seen);
	for (const span of run.spans) {
		if (span.departmentIds !== batch.departmentIds || span.time < start - tolerance) continue;
		for (let index = span.start; index < span.end; index++)
			seen.add(ctx.dedupe.print(run.items[index]));
	}
	const dedupe: Dedupe = { ...ctx.dedupe, seen, remember: true, onDuplicate: undefined };
	if (!(await replayPages(ctx, 'catchUp', batch, start, run.serverNow() + END_SLACK_MS, dedupe)))
		batch.suspect = undefined;
}

/** Reads the owed replays (one call at a time for departments two of them share); returns what is left of them. */
export async function replayOwed(
	ctx: Context,
	owed: OwedReplay[],
	concurrency: number,
): Promise<OwedReplay[]> {
	const end = ctx.run.serverNow() + END_SLACK_MS;
	const shared = owed.some((a, i) =>
		owed.some((b, j) => i < j && overlaps(a.departmentIds, b.departmentIds)),
	);
	const unpaid: OwedReplay[] = [];
	await pool(owed, shared ? 1 : concurrency, async (entry) => {
		const to = entry.to ?? end;
		const from = Math.max(entry.from, end - RETENTION_MS);
		const progress = await replayPages(
			ctx,
			'replay',
			{ departmentIds: entry.departmentIds },
			from,
			to,
			ctx.dedupe,
			from === entry.from ? entry.offset : 0,
		);
		// Left for the next poll from where this one stopped, so a long replay moves on every poll.
		if (progress)
			unpaid.push({
				departmentIds: entry.departmentIds,
				from: progress.from,
				to,
				...(progress.offset > 0 && { offset: progress.offset }),
			});
	});
	return unpaid;
}

/**
 * Pages through the already-processed records of [from, to] (both to the second) with offsets,
 * from `offset`. Returns undefined when every part of the window was read to a short page, else
 * where to go on: the start of the first part not read whole, and the offset reached in it.
 */
async function replayPages(
	ctx: Context,
	kind: 'replay' | 'catchUp',
	batch: Batch,
	from: number,
	to: number,
	dedupe: Dedupe,
	startOffset = 0,
): Promise<{ from: number; offset: number } | undefined> {
	const { run } = ctx;
	const windows = [{ from: floorSecond(from), to: floorSecond(to), offset: startOffset }];
	let window = windows[0];
	let offset = startOffset;
	try {
		while (windows.length > 0) {
			window = windows.pop()!;
			const text = easternWindow(window.from, window.to);
			let previous: string | undefined;
			for (offset = window.offset; ; ) {
				if (!run.checkTime() || !ctx.budget.take(run, kind)) return { from: window.from, offset };
				// A catch-up reads what the drain lost, however many items the run holds.
				const limit = Math.min(
					ctx.pageSize,
					kind === 'catchUp' ? Infinity : ctx.maxItems - run.items.length,
				);
				if (limit <= 0) {
					if (!ctx.canOwe) run.stoppedBy ??= 'maxRecords';
					else
						run.note(
							'a replay stopped at half of Max Records per Poll, leaving the rest to the drain; the rest of its window is read by the next poll',
						);
					return { from: window.from, offset };
				}
				const request = { departmentIds: batch.departmentIds, limit, replay: { ...text, offset } };
				const page = await run.call(kind, request, batch, kind === 'catchUp');
				const signature = pageSignature(page.records);
				const repeated = offset > 0 && signature === previous;
				if (repeated) ctx.offsetIgnored = true;
				if (!repeated) run.emit(page, batch, true, dedupe);
				if (page.records.length < limit) break;
				if (repeated || ctx.offsetIgnored) {
					// athena does not page this window: read it in two halves instead.
					if (window.to > window.from) {
						const middle = window.from + Math.floor((window.to - window.from) / 2000) * 1000;
						windows.push(
							{ from: middle + 1000, to: window.to, offset: 0 },
							{ from: window.from, to: middle, offset: 0 },
						);
						run.splits++;
					} else {
						run.note(
							`athena answered the same replay page again for one second of processed records (it ignores offset there); records past the first ${limit} of that second cannot be read again`,
						);
					}
					break;
				}
				offset += page.records.length;
				previous = signature;
			}
		}
	} catch (error) {
		if (!(error instanceof Halt)) run.fail(error);
		return { from: window.from, offset };
	}
	return undefined;
}
