import { createHash } from 'crypto';

import { DEFAULT_RETRY, backoffDelay, type RetryPolicy } from './backoff';
import type {
	DrainRecord,
	FailureKind,
	FetchPage,
	Page,
	PageQuota,
	PageRequest,
	RecordTransform,
} from './types';

/** athena's maximum page (seed advice: use the default limit of 1000). */
export const PAGE_SIZE = 1000;
/** athena's per-second limits are unpublished (docs/athena-contract.md#quotas-and-rate-limits): a few batches at once by default. */
export const DEFAULT_CONCURRENCY = 5;
export const MAX_CONCURRENCY = 20;

export function concurrencyOf(value: number | undefined): number {
	return Math.min(MAX_CONCURRENCY, Math.max(1, Math.floor(value ?? DEFAULT_CONCURRENCY)));
}

export interface DrainStats {
	batches: number;
	calls: Record<CallKind, number>;
	retries: number;
	/** Records read from the queue (removed by athena). */
	fetched: number;
	/** Records read again by a replay and emitted. */
	recovered: number;
	/** Records the event filter dropped. */
	filtered: number;
	/** Records dropped as already emitted (a replay's, or a drain's of what a replay emitted). */
	duplicates: number;
	/** Replay windows split in two because athena answered the same page for a later offset. */
	splits: number;
}

export type CallKind = 'drain' | 'replay' | 'catchUp' | 'peek';

export interface RunOptions {
	fetchPage: FetchPage;
	transform: RecordTransform;
	sleep: (ms: number) => Promise<void>;
	now?: () => number;
	/** Local epoch ms after which no call starts. */
	deadline?: number;
	retry?: Partial<RetryPolicy>;
	/** Reads a failure of `fetchPage`: the caller knows the shape of its errors, the drain does not. */
	classify: (error: unknown) => FailureKind;
	/** athena's clock minus ours, from an earlier poll: estimates athena's time before it answers. */
	clockOffsetMs?: number;
	/**
	 * Percent of athena's daily quota to keep: once an answer reports fewer requests remaining, no
	 * further call starts (stoppedBy `quota`) and the rest stays queued. 0 or undefined: never.
	 */
	stopBelowQuotaPercent?: number;
}

/** What a drain tells its run beyond the caller's options. */
interface RunSettings extends RunOptions {
	/**
	 * athena time before which nothing this run removes can have been processed (crash recovery's
	 * window start): bounds the catch-up of a lost first call, which has no earlier answer to go by.
	 */
	notBefore?: number;
}

/** Why a run stopped with records possibly left in athena's queue. */
export type StopReason = 'budget' | 'maxRecords' | 'quota';

/** A call always gets at least this long to answer, even at the very end of the budget. */
const MIN_CALL_TIMEOUT_MS = 1000;

/** With no answer yet to read athena's clock from, a lost call is assumed processed at most this long before our estimate. */
const UNKNOWN_CLOCK_SLACK_MS = 10_000;

/** One batch of departments and what the drain learnt of it. */
export interface Batch {
	/** At most 20; undefined for the whole practice. One array per batch, so spans can point at it. */
	departmentIds?: readonly number[];
	/** Lower bound of athena's time of a call that may have removed records it never delivered. */
	suspect?: number;
}

/** A page's records in `items`, with athena's time of the answer (fingerprints are cut by it). */
export interface Span {
	time: number;
	departmentIds?: readonly number[];
	start: number;
	end: number;
}

/** Fingerprints already emitted, and how to take one. */
export interface Dedupe {
	seen: Set<string>;
	print: (record: DrainRecord) => string;
	/** Whether records let through are added to `seen` (replays); a destructive drain only checks. */
	remember?: boolean;
	/** A record let through, with athena's time of its page. */
	onNew?: (key: string, time: number) => void;
	/** A record dropped as already emitted. */
	onDuplicate?: (key: string) => void;
}

/** Identifies a page's content, to tell when athena answers the same page again. */
export function pageSignature(records: readonly DrainRecord[]): string {
	if (records.length === 0) return '';
	return createHash('sha1').update(JSON.stringify(records)).digest('base64');
}

/** Thrown inside a run to stop a batch quietly (budget, or another batch failed). */
export class Halt extends Error {}

/**
 * The state of one drain: calls with retries, the first call alone (so one token fetch serves all),
 * the poll budget, athena's clock, and the records emitted so far. Pages are transformed as they
 * arrive so their raw form can be collected while the drain goes on.
 */
export class Run {
	readonly items: DrainRecord[] = [];
	readonly spans: Span[] = [];
	/**
	 * Records a destructive read returned that were already emitted (by a replay of this or an
	 * earlier poll): athena stamped them processed now, so crash recovery must know them as part
	 * of this drain's tail, though they are not in `items`.
	 */
	readonly drainedAgain: Array<{ time: number; departmentIds?: readonly number[]; key: string }> =
		[];
	readonly calls: Record<CallKind, number> = { drain: 0, replay: 0, catchUp: 0, peek: 0 };
	retries = 0;
	fetched = 0;
	recovered = 0;
	filtered = 0;
	duplicates = 0;
	splits = 0;
	/** Why parts of the run stopped early, for the caller's log (no record content, no ids). */
	readonly notes: string[] = [];
	error?: unknown;
	stoppedBy?: StopReason;
	/** The lowest quota an answer of this run reported. */
	quota?: PageQuota;
	/** Latest athena time seen, and our time when it was seen. */
	private server?: { time: number; local: number };
	/** Latest athena time of an answer to a destructive read. */
	lastDrainTime?: number;
	private slowestMs = 0;
	private firstCall = true;
	private openGate!: () => void;
	private readonly gate = new Promise<void>((resolve) => (this.openGate = resolve));
	private readonly policy: RetryPolicy;
	readonly now: () => number;

	constructor(private readonly options: RunSettings) {
		this.policy = { ...DEFAULT_RETRY, ...options.retry };
		this.now = options.now ?? Date.now;
	}

	get stopped(): boolean {
		return this.error !== undefined || this.stoppedBy !== undefined;
	}

	/** Whether a call (plus `waitMs` first) still fits the budget, leaving room for the slowest call so far. */
	hasTime(waitMs = 0): boolean {
		const { deadline } = this.options;
		return deadline === undefined || this.now() + waitMs + this.slowestMs * 1.5 <= deadline;
	}

	/** Stops the run before the next call when it is out of budget. */
	checkTime(): boolean {
		if (this.hasTime()) return true;
		this.stoppedBy ??= 'budget';
		return false;
	}

	fail(error: unknown): void {
		this.error ??= error;
	}

	/** Records why a loop stopped early, once per message. */
	note(message: string): void {
		if (!this.notes.includes(message)) this.notes.push(message);
	}

	/** athena's time now, estimated from its last answer (or an earlier poll's offset). */
	serverNow(): number {
		if (this.server) return this.server.time + (this.now() - this.server.local);
		return this.now() + (this.options.clockOffsetMs ?? 0);
	}

	get clockOffsetMs(): number | undefined {
		return this.server ? this.server.time - this.server.local : this.options.clockOffsetMs;
	}

	/**
	 * One call, retried as the policy allows. A failure that may have removed records marks the batch
	 * for a catch-up replay; a final failure stops the whole run and is rethrown. `force` still calls
	 * once the run has stopped (a catch-up must read what was lost even after another batch failed).
	 */
	async call(kind: CallKind, request: PageRequest, batch: Batch, force = false): Promise<Page> {
		for (let attempt = 1; ; attempt++) {
			if (this.firstCall) this.firstCall = false;
			else await this.gate;
			if (this.stopped && !force) throw new Halt();
			// Any record this call removes is processed after athena's latest answer so far.
			const sentAfter = Math.max(
				this.server?.time ?? this.serverNow() - UNKNOWN_CLOCK_SLACK_MS,
				this.options.notBefore ?? -Infinity,
			);
			const started = this.now();
			this.calls[kind]++;
			let failed: unknown;
			try {
				const page = await this.options.fetchPage(this.timed(request, started));
				this.slowestMs = Math.max(this.slowestMs, this.now() - started);
				if (page.serverTime !== undefined) this.seen(page.serverTime, kind === 'drain');
				if (page.quota) this.quotaSeen(page.quota);
				return page;
			} catch (error) {
				failed = error;
			} finally {
				this.openGate();
			}
			const failure = this.options.classify(failed);
			if (kind === 'drain' && failure.maybeProcessed)
				batch.suspect = Math.min(batch.suspect ?? Infinity, sentAfter);
			if (!failure.retry || attempt >= this.policy.maxAttempts) {
				this.fail(failed);
				throw failed;
			}
			const wait = backoffDelay(attempt, this.policy, failure.retryAfterMs);
			if (!this.hasTime(wait)) {
				this.stoppedBy ??= 'budget';
				throw new Halt();
			}
			this.retries++;
			await this.options.sleep(wait);
		}
	}

	/**
	 * The request with what is left of the budget as its timeout, so one slow answer cannot carry
	 * the run past its deadline (a call that times out counts as a dropped connection).
	 */
	private timed(request: PageRequest, now: number): PageRequest {
		const { deadline } = this.options;
		if (deadline === undefined) return request;
		return { ...request, timeoutMs: Math.max(MIN_CALL_TIMEOUT_MS, deadline - now) };
	}

	stats(batches: number): DrainStats {
		const { calls, retries, fetched, recovered, filtered, duplicates, splits } = this;
		return { batches, calls, retries, fetched, recovered, filtered, duplicates, splits };
	}

	/** Keeps the lowest quota seen; below the reserve, no further call starts. */
	private quotaSeen(quota: PageQuota): void {
		if (!this.quota || quota.remaining <= this.quota.remaining) this.quota = quota;
		const percent = this.options.stopBelowQuotaPercent ?? 0;
		if (percent > 0 && quota.remaining < (quota.limit * percent) / 100) this.stoppedBy ??= 'quota';
	}

	private seen(time: number, destructive: boolean): void {
		if (!this.server || time >= this.server.time) this.server = { time, local: this.now() };
		if (destructive) this.lastDrainTime = Math.max(this.lastDrainTime ?? time, time);
	}

	/**
	 * Transforms a page's records into `items`. With `dedupe`, records whose fingerprint was seen are
	 * dropped as already emitted (replays) and new ones are remembered. Returns how many were added.
	 */
	emit(page: Page, batch: Batch, recovered: boolean, dedupe?: Dedupe): number {
		const origin = {
			departmentIds: batch.departmentIds,
			retrievedAt: new Date(page.serverTime ?? this.serverNow()).toISOString(),
			recovered,
			quota: page.quota,
		};
		const start = this.items.length;
		const { transform } = this.options;
		for (const record of page.records) {
			const json = transform(record, origin);
			if (json === undefined) {
				this.filtered++;
				continue;
			}
			if (dedupe) {
				const key = dedupe.print(json);
				if (dedupe.seen.has(key)) {
					this.duplicates++;
					dedupe.onDuplicate?.(key);
					if (!recovered)
						this.drainedAgain.push({
							time: page.serverTime ?? this.serverNow(),
							departmentIds: batch.departmentIds,
							key,
						});
					continue;
				}
				if (dedupe.remember !== false) dedupe.seen.add(key);
				dedupe.onNew?.(key, page.serverTime ?? this.serverNow());
			}
			this.items.push(json);
		}
		const added = this.items.length - start;
		if (recovered) this.recovered += added;
		else this.fetched += page.records.length;
		if (added > 0)
			this.spans.push({
				time: page.serverTime ?? this.serverNow(),
				departmentIds: batch.departmentIds,
				start,
				end: this.items.length,
			});
		return added;
	}
}

/** Runs `task` over `list` with at most `concurrency` at a time, in order. */
export async function pool<T>(
	list: readonly T[],
	concurrency: number,
	task: (entry: T) => Promise<void>,
): Promise<void> {
	let next = 0;
	const worker = async () => {
		while (next < list.length) await task(list[next++]);
	};
	await Promise.all(
		Array.from({ length: Math.max(1, Math.min(concurrency, list.length)) }, worker),
	);
}
