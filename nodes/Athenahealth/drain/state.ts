import type { DrainState } from './types';

/**
 * The trigger's state lives in n8n's static data only (never module variables): safe across
 * restarts, in queue mode, and when a leader change replays the activation poll.
 */
const STATE_KEY = 'drain';

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

/** The feed's saved state; a fresh one when none is saved or it belongs to another feed or version. */
export function loadState(staticData: Record<string, unknown>, feed: string): DrainState {
	const saved = staticData[STATE_KEY] as DrainState | undefined;
	if (saved && typeof saved === 'object' && saved.v === 1 && saved.feed === feed) return saved;
	return { v: 1, feed };
}

export function saveState(staticData: Record<string, unknown>, state: DrainState): void {
	staticData[STATE_KEY] = state;
}

/**
 * The drain lease: n8n does not stop two ticks of a poll overlapping, and both see the same static
 * data in memory. Like the LIVE mark it sits under a symbol key, so it is never saved: an
 * overlapping tick that returns null makes n8n save the static data, and a saved lease of a poll
 * that then failed would hold off every poll after a restart until it expired.
 */
const LEASE = Symbol.for('n8n-nodes-athenahealth.drainLease');

type Lease = { id: string; until: number };

/** Takes the drain lease unless another poll in this process holds a live one. */
export function takeLease(staticData: object, now: number, ttlMs: number, id: string): boolean {
	const held = (staticData as Record<symbol, Lease | undefined>)[LEASE];
	if (held && held.until > now) return false;
	(staticData as Record<symbol, Lease | undefined>)[LEASE] = { id, until: now + ttlMs };
	return true;
}

export function releaseLease(staticData: object, id: string): void {
	const leases = staticData as Record<symbol, Lease | undefined>;
	if (leases[LEASE]?.id === id) delete leases[LEASE];
}

/**
 * n8n's ticks of an "Every Minute" schedule come 60 s apart to within milliseconds, sometimes a
 * little short: without this slack the default minimum of 60 s would skip every other tick.
 */
export const INTERVAL_SLACK_MS = 2_000;

/** Seed: at most one /changed drain of a feed per minute (configurable, 0 for tests). */
export function drainDue(state: DrainState, now: number, minIntervalMs: number): boolean {
	const last = state.lastDrainStart;
	return last === undefined || now < last || now - last >= minIntervalMs - INTERVAL_SLACK_MS;
}
