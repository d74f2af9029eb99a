import { z } from 'zod';

/**
 * The trigger's saved state: the one definition of what it keeps in n8n's static data, parsed
 * with zod when loaded and written by `saveState` alone. It lives in static data only (never
 * module variables): safe across restarts, in queue mode, and when a leader change replays the
 * activation poll. Crash-recovery words: docs/athena-contract.md#glossary.
 */
const STATE_KEY = 'drain';
/** The shape this version writes. Raise it with a migration below whenever the shape changes. */
export const STATE_VERSION = 1;

type SavedShape = Record<string, unknown> & { v: number };

/**
 * How a state saved by an earlier version becomes the next one: MIGRATIONS[v] turns shape v into
 * shape v + 1. An update of the package must carry an active trigger's state across (its recovery
 * window and fingerprints), or the first poll after the update could lose or repeat records. Each
 * older shape has a real saved fixture under test/fixtures/trigger-state/.
 * None yet: v1 is the shape every released version has written.
 */
export const MIGRATIONS: Readonly<Record<number, (saved: SavedShape) => SavedShape>> = {};

const epochMs = z.number().finite();

const savedState = z.object({
	v: z.literal(STATE_VERSION),
	feed: z.string(),
	/** The practice the state is of; absent in states saved before the Practice ID override (then the node's). */
	practiceId: z.number().int().positive().optional(),
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
	owed: z
		.array(
			z.object({
				departmentIds: z.array(z.number()).optional(),
				from: epochMs,
				to: epochMs.optional(),
				offset: z.number().int().min(0).optional(),
			}),
		)
		.optional(),
	pending: z.record(z.array(z.string())).optional(),
	clockOffsetMs: epochMs.optional(),
});

export type TriggerState = z.infer<typeof savedState>;
export type KnownSubscription = NonNullable<TriggerState['subscription']>;

export function freshState(feed: string, practiceId?: number): TriggerState {
	return practiceId === undefined
		? { v: STATE_VERSION, feed }
		: { v: STATE_VERSION, feed, practiceId };
}

/**
 * Brings a saved state to STATE_VERSION through the migrations, one version at a time. A reason
 * instead when it cannot: not an object, no version, saved by a newer version (a downgrade), or a
 * step missing from the table.
 */
export function migrateState(
	saved: unknown,
	migrations: Readonly<Record<number, (saved: SavedShape) => SavedShape>> = MIGRATIONS,
	target = STATE_VERSION,
): { state: Record<string, unknown>; from: number } | { reason: string } {
	if (typeof saved !== 'object' || saved === null || Array.isArray(saved))
		return { reason: 'it is not an object' };
	let state = saved as SavedShape;
	const from = state.v;
	if (!Number.isInteger(from)) return { reason: 'it carries no version' };
	if (from > target)
		return {
			reason: `a newer version of the package saved it (v${from}; this one reads up to v${target})`,
		};
	while (state.v < target) {
		const step = migrations[state.v];
		if (!step) return { reason: `no migration from v${state.v}` };
		const next = step(state);
		if (next.v !== state.v + 1)
			return { reason: `the migration from v${state.v} produced v${String(next.v)}` };
		state = next;
	}
	return { state, from };
}

/**
 * The saved state of the feed in the practice; a fresh one when none is saved. An older shape is
 * migrated (with a log line). A state of another feed or practice, or one this version cannot
 * read, is reset with a log line (never cast into place): the next poll then marks a new recovery
 * window.
 */
export function loadState(
	staticData: Record<string, unknown>,
	feed: string,
	log: (message: string) => void,
	/** The practice the trigger reads now; a state of another practice is reset. */
	practiceId?: number,
): TriggerState {
	const saved = staticData[STATE_KEY];
	if (saved === undefined) return freshState(feed, practiceId);
	const migrated = migrateState(saved);
	if ('reason' in migrated) {
		log(
			`athenahealth Trigger: its saved state cannot be read (${migrated.reason}); starting afresh for the feed "${feed}"`,
		);
		return freshState(feed, practiceId);
	}
	const parsed = savedState.safeParse(migrated.state);
	if (!parsed.success) {
		log(
			`athenahealth Trigger: its saved state has a shape this version does not read; starting afresh for the feed "${feed}"`,
		);
		return freshState(feed, practiceId);
	}
	if (parsed.data.feed !== feed) {
		log(
			`athenahealth Trigger: the feed changed from "${parsed.data.feed}" to "${feed}"; starting afresh`,
		);
		return freshState(feed, practiceId);
	}
	if (
		practiceId !== undefined &&
		parsed.data.practiceId !== undefined &&
		parsed.data.practiceId !== practiceId
	) {
		log(
			`athenahealth Trigger: the practice changed from ${parsed.data.practiceId} to ${practiceId}; starting afresh for the feed "${feed}"`,
		);
		return freshState(feed, practiceId);
	}
	if (migrated.from !== STATE_VERSION) {
		log(
			`athenahealth Trigger: migrated its saved state from v${migrated.from} to v${STATE_VERSION} (feed "${feed}")`,
		);
	}
	return practiceId === undefined ? parsed.data : { ...parsed.data, practiceId };
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
