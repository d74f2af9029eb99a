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

/** Takes the drain lease unless a live one is held: n8n does not stop two ticks of a poll overlapping. */
export function takeLease(state: DrainState, now: number, ttlMs: number, id: string): boolean {
	if (state.lease && state.lease.until > now) return false;
	state.lease = { id, until: now + ttlMs };
	return true;
}

export function releaseLease(state: DrainState, id: string): void {
	if (state.lease?.id === id) delete state.lease;
}

/** Seed: at most one /changed drain of a feed per minute (configurable, 0 for tests). */
export function drainDue(state: DrainState, now: number, minIntervalMs: number): boolean {
	return state.lastDrainStart === undefined || now - state.lastDrainStart >= minIntervalMs || now < state.lastDrainStart;
}
