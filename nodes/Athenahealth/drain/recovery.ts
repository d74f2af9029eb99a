import { FINGERPRINT_CAP, FINGERPRINT_HARD_CAP, boundFingerprints } from './fingerprint';
import type { Batch, Run, Span } from './run';
import type { DrainRecord, OwedReplay, RecoveryState } from './types';

/**
 * Crash recovery's window, in athena's clock. athena stamps a record processed when a read removes
 * it; the read's answer carries a Date header at or after that stamp. With `C` the last Date of a
 * saved drain, every later read is stamped after C, so the next replay window can start at C (less a
 * tolerance for stamps and Date headers from different clocks) and only the saved drain's last
 * seconds, its "tail", need fingerprints to be recognised when read again.
 *
 * A drain whose tail is larger than FINGERPRINT_CAP (a big backlog read in a second or two) starts
 * the window after C instead and sets a guard: the next drain waits, if it must, until athena's clock
 * is past it, so its reads fall inside the window and the tail stays outside.
 *
 * A page lost in a drain (no answer, or a 5xx after which athena may have removed it) is read again
 * by a catch-up in the same drain; when that fails too, the replay is owed for those departments,
 * and every record read for them since is fingerprinted (up to FINGERPRINT_HARD_CAP).
 */
export const CLOCK_TOLERANCE_MS = 1000;
/** A replay window ends this far past athena's estimated time, so clock error never cuts it short. */
export const END_SLACK_MS = 60_000;
/** Seed: athena keeps unread records 24 hours; nothing older can be replayed or still be queued. */
export const RETENTION_MS = 24 * 3_600_000;

export function floorSecond(ms: number): number {
	return Math.floor(ms / 1000) * 1000;
}

/** Whether two department sets share a department (undefined is the whole practice). */
export function overlaps(
	a: readonly number[] | undefined,
	b: readonly number[] | undefined,
): boolean {
	return !a || !b || a.some((id) => b.includes(id));
}

interface Outcome {
	/** Whether the destructive reads ran (false when an owed replay or the guard stopped the drain first). */
	drained: boolean;
	/** Owed replays this drain could not complete. */
	unpaid: OwedReplay[];
	/** Fingerprints of replayed records no drain has returned yet, with the epoch second of their replay. */
	pending: Map<string, number>;
	tolerance: number;
	print: (record: DrainRecord) => string;
}

function count(groups: Record<string, string[]>, fromSecond: number): number {
	let total = 0;
	for (const [second, list] of Object.entries(groups))
		if (Number(second) >= fromSecond) total += list.length;
	return total;
}

/** The recovery state to save with what this drain emits. */
export function nextRecovery(
	prev: RecoveryState,
	run: Run,
	batches: Batch[],
	outcome: Outcome,
): RecoveryState {
	const { tolerance, print } = outcome;
	const owed: OwedReplay[] = [...outcome.unpaid];
	for (const batch of batches) {
		if (batch.suspect === undefined) continue;
		// Up to athena's time now: what later drains read is theirs, however long the replay stays owed.
		const to = run.serverNow() + END_SLACK_MS;
		owed.push({
			departmentIds: batch.departmentIds && [...batch.departmentIds],
			from: floorSecond(batch.suspect - tolerance),
			to,
		});
	}

	// Where the next window starts, and from when every emitted record must be fingerprinted.
	let { windowStart, guardUntil } = prev;
	let tailFrom = windowStart === undefined ? Infinity : windowStart - tolerance;
	const last = run.lastDrainTime;
	if (outcome.drained && last !== undefined) {
		const close = floorSecond(last);
		const from = close - 2 * tolerance;
		const tail =
			run.spans.reduce((sum, span) => sum + (span.time >= from ? span.end - span.start : 0), 0) +
			run.drainedAgain.filter((again) => again.time >= from).length;
		if (tail + count(prev.recent ?? {}, Math.floor(from / 1000)) <= FINGERPRINT_CAP) {
			windowStart = close - tolerance;
			guardUntil = undefined;
			tailFrom = from;
		} else {
			windowStart = close + tolerance + 1000;
			guardUntil = close + 2 * tolerance + 1000;
			tailFrom = Infinity;
		}
	}

	const groups: Record<string, string[]> = {};
	for (const [second, list] of Object.entries(prev.recent ?? {})) groups[second] = [...list];
	const needed = (span: Span) =>
		span.time >= tailFrom ||
		owed.some(
			(entry) =>
				span.time >= entry.from - tolerance &&
				span.time <= (entry.to ?? Infinity) + tolerance &&
				overlaps(entry.departmentIds, span.departmentIds),
		);
	for (const span of run.spans) {
		if (!needed(span)) continue;
		const list = (groups[Math.floor(span.time / 1000)] ??= []);
		for (let index = span.start; index < span.end; index++) list.push(print(run.items[index]));
	}
	// Read again by this drain though a replay had emitted them: as much part of its tail.
	for (const again of run.drainedAgain) {
		if (needed({ time: again.time, departmentIds: again.departmentIds, start: 0, end: 0 }))
			(groups[Math.floor(again.time / 1000)] ??= []).push(again.key);
	}
	const keepFrom = Math.min(tailFrom, ...owed.map((entry) => entry.from - tolerance));
	return {
		windowStart,
		guardUntil,
		recent: Number.isFinite(keepFrom) ? boundFingerprints(groups, Math.floor(keepFrom / 1000)) : {},
		owed: owed.length ? owed : undefined,
		pending: pendingGroups(run, outcome.pending),
		clockOffsetMs: run.clockOffsetMs,
	};
}

/**
 * Replayed records a drain may still return, kept as long as athena keeps queued records (24 hours)
 * and at most FINGERPRINT_HARD_CAP of them, the newest; undefined when none.
 */
function pendingGroups(
	run: Run,
	pending: Map<string, number>,
): Record<string, string[]> | undefined {
	if (pending.size === 0) return undefined;
	const groups: Record<string, string[]> = {};
	for (const [key, second] of pending) (groups[second] ??= []).push(key);
	const fromSecond = Math.floor((run.serverNow() - RETENTION_MS) / 1000);
	const kept = boundFingerprints(groups, fromSecond, FINGERPRINT_HARD_CAP);
	const count = Object.values(kept).reduce((sum, list) => sum + list.length, 0);
	if (count < pending.size && pending.size > FINGERPRINT_HARD_CAP) {
		run.note(
			`more than ${FINGERPRINT_HARD_CAP} replayed records may still be queued; the oldest are no longer recognised if a drain returns them`,
		);
	}
	return count ? kept : undefined;
}
