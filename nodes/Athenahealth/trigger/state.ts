import { z } from 'zod';

/**
 * The trigger's saved state: the one definition of what it keeps in n8n's static data, parsed
 * with zod when loaded and written by `saveState` alone. It lives in static data only (never
 * module variables): safe across restarts, in queue mode, and when a leader change replays the
 * activation poll. Crash-recovery words: docs/athena-contract.md#glossary.
 */
const STATE_KEY = 'drain';
const VERSION = 1;

const epochMs = z.number().finite();

const savedState = z.object({
	v: z.literal(VERSION),
	feed: z.string(),
	/** Local time the last drain started (at most one drain per feed per minute). */
	lastDrainStart: epochMs.optional(),
	/** What the trigger knows of the feed's subscription (event metadata, auto-subscribe). */
	subscription: z
		.object({
			events: z.array(z.string()),
			/** Local time of the last check. */
			checkedAt: epochMs,
			/** Local time this trigger subscribed, while athena may still be applying it. */
			subscribedAt: epochMs.optional(),
		})
		.optional(),
	/** The window was just marked; a scheduled tick must save it before the first drain. */
	anchorPending: z.boolean().optional(),
	// Crash recovery, in athena's clock (the drain's RecoveryState).
	windowStart: epochMs.optional(),
	guardUntil: epochMs.optional(),
	recent: z.record(z.array(z.string())).optional(),
	owed: z.array(z.object({ departmentIds: z.array(z.number()).optional(), from: epochMs, to: epochMs.optional(), offset: z.number().int().min(0).optional() })).optional(),
	pending: z.record(z.array(z.string())).optional(),
	clockOffsetMs: epochMs.optional(),
});

export type TriggerState = z.infer<typeof savedState>;
export type KnownSubscription = NonNullable<TriggerState['subscription']>;

export function freshState(feed: string): TriggerState {
	return { v: VERSION, feed };
}

/**
 * The feed's saved state; a fresh one when none is saved. A state of another feed, or one this
 * version cannot read, is reset with a log line (never cast into place): the next poll then
 * marks a new recovery window.
 */
export function loadState(staticData: Record<string, unknown>, feed: string, log: (message: string) => void): TriggerState {
	const saved = staticData[STATE_KEY];
	if (saved === undefined) return freshState(feed);
	const parsed = savedState.safeParse(saved);
	if (!parsed.success) {
		log(`athenahealth Trigger: its saved state has a shape this version does not read; starting afresh for the feed "${feed}"`);
		return freshState(feed);
	}
	if (parsed.data.feed !== feed) {
		log(`athenahealth Trigger: the feed changed from "${parsed.data.feed}" to "${feed}"; starting afresh`);
		return freshState(feed);
	}
	return parsed.data;
}

/** The one place the trigger's state is written. */
export function saveState(staticData: Record<string, unknown>, state: TriggerState): void {
	staticData[STATE_KEY] = state;
}

/**
 * Marks a static-data object as having been written by a poll that finished in this process. A
 * symbol key is never saved (n8n stores JSON), so after a restart, a crash, a leader change or a
 * discarded poll result the mark is gone and the next poll replays the window it cannot vouch for.
 * While the mark holds, the state in memory is exactly what the last poll handed to n8n, and a
 * replay would only read again what was emitted.
 */
const LIVE = Symbol.for('n8n-nodes-athenahealth.drainLive');

export function isLive(staticData: object): boolean {
	return (staticData as Record<symbol, unknown>)[LIVE] === true;
}

export function setLive(staticData: object, live: boolean): void {
	(staticData as Record<symbol, unknown>)[LIVE] = live;
}

/**
 * The drain lease: n8n does not stop two ticks of a poll overlapping, and its durable scheduler
 * runs each poll on a fresh copy of the static data, where a mark on the object would not be seen.
 * So the lease is held in this process, by workflow and node (polls run on one main: the leader in
 * queue mode), and never saved: a saved lease of a poll that then failed would hold off every poll
 * after a restart until it expired. A lease of a poll that died expires on its own.
 */
const leases = new Map<string, Lease>();

type Lease = { id: string; until: number };

/** Takes the drain lease for `key` unless another poll in this process holds a live one. */
export function takeLease(key: string, now: number, ttlMs: number, id: string): boolean {
	const held = leases.get(key);
	if (held && held.until > now) return false;
	leases.set(key, { id, until: now + ttlMs });
	return true;
}

export function releaseLease(key: string, id: string): void {
	if (leases.get(key)?.id === id) leases.delete(key);
}

/**
 * n8n's ticks of an "Every Minute" schedule come 60 s apart to within milliseconds, sometimes a
 * little short: without this slack the default minimum of 60 s would skip every other tick.
 */
export const INTERVAL_SLACK_MS = 2_000;

/** At most one drain of a feed per minimum interval (docs/athena-contract.md#pacing; 0 for tests). */
export function drainDue(state: TriggerState, now: number, minIntervalMs: number): boolean {
	const last = state.lastDrainStart;
	return last === undefined || now < last || now - last >= minIntervalMs - INTERVAL_SLACK_MS;
}
