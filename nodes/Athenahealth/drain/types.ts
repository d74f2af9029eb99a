/**
 * The drain's own types: it imports nothing from n8n, so its records are plain JSON objects
 * (structurally what n8n calls IDataObject) and its I/O is passed in.
 */

/** A record as athena sends it, and as the drain hands it on. */
export interface DrainRecord {
	[key: string]: string | number | boolean | object | null | undefined;
}

/** One `GET {feed}/changed` call as the drain asks for it; `toQuery` turns it into athena's parameters. */
export interface PageRequest {
	/** At most 20 department ids (seed); undefined reads the whole practice. */
	departmentIds?: readonly number[];
	/** 1 to 1000. */
	limit: number;
	/** Read again what athena already processed in [start, end] (Eastern text), from `offset`: never deletes. */
	replay?: { start: string; end: string; offset: number };
	/** athena's debugging flag: read without removing. */
	leaveUnprocessed?: boolean;
	/** How long the caller may wait for the answer: what is left of the run's budget. */
	timeoutMs?: number;
}

/** athena's daily request quota as its answer reported it (X-RateLimit-Limit / -Remaining). */
export interface PageQuota {
	limit: number;
	remaining: number;
}

export interface Page {
	records: DrainRecord[];
	/** athena's clock (epoch ms, from the Date header) when it answered. */
	serverTime?: number;
	/** athena's daily quota after this call, when it said. */
	quota?: PageQuota;
}

/** Injected by the caller: the trigger and the action pass one built on athenaRequest, a benchmark its own. */
export type FetchPage = (request: PageRequest) => Promise<Page>;

/** What the drain needs to know of a failed call. */
export interface FailureKind {
	/** Whether another attempt can help (429, 5xx, dropped connection). */
	retry: boolean;
	retryAfterMs?: number;
	/** athena may have removed records before the answer was lost (5xx, dropped connection). */
	maybeProcessed: boolean;
}

/** Turns one raw record into an output record, or undefined to drop it (event filter). */
export type RecordTransform = (
	record: DrainRecord,
	origin: RecordOrigin,
) => DrainRecord | undefined;

export interface RecordOrigin {
	/** The batch the page was read for; undefined for the whole practice. */
	departmentIds?: readonly number[];
	/** ISO time the page was retrieved (athena's clock when known). */
	retrievedAt: string;
	/** The record came from a replay of already-processed records (crash recovery). */
	recovered: boolean;
	/** athena's daily quota after the call that brought the record, when it said. */
	quota?: PageQuota;
}

/**
 * A stretch of already-processed records to read again: these departments (all when absent), from
 * `from` to `to`. The end is fixed when the replay is first owed, so records drained after it never
 * enter the window however many polls the replay takes.
 */
export interface OwedReplay {
	departmentIds?: number[];
	from: number;
	to?: number;
	/** Records of the window from `from` already read (a replay cut short resumes there). */
	offset?: number;
}

/**
 * What crash recovery keeps between polls. Times are athena's clock (epoch ms).
 */
export interface RecoveryState {
	/** Start of the next replay window: every record athena processed before it has been emitted. */
	windowStart?: number;
	/** The next drain must not read destructively before athena's clock passes this. */
	guardUntil?: number;
	/** Fingerprints of emitted records that can still fall inside the replay window, by epoch second. */
	recent?: Record<string, string[]>;
	/** Replays owed whatever the trigger knows of its memory: a page was lost and could not be read again. */
	owed?: OwedReplay[];
	/**
	 * Fingerprints of records a replay emitted that athena may still hold queued (a replay window
	 * can return queued records, docs/athena-contract.md#unconfirmed): a later drain drops them.
	 * By epoch second of the replay.
	 */
	pending?: Record<string, string[]>;
	/** athena's clock minus the local clock, last seen. */
	clockOffsetMs?: number;
}
