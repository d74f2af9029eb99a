import { sleep } from 'n8n-workflow';

import type { FetchPage } from '../drain';

/**
 * The feed reads in flight in this process, by practice and feed: athena's queue belongs to the
 * practice's subscription of the feed, not to a workflow, so the active trigger of one workflow,
 * Fetch Test Event and the action's Changed Data > Read in another read the same queue. athena
 * wants never two unanswered reads for one department (docs/athena-contract.md#pacing); this
 * registry is how they take turns:
 * - a scheduled poll marks the feed as being drained for as long as it runs (`poll`), and each of
 *   its calls while it is in flight (`call`);
 * - Fetch Test Event marks each call from before it waits until it is answered, so the trigger's
 *   next call waits for it (a short, bounded wait) and a test call slots in between drain calls;
 * - Changed Data > Read's calls wait (bounded) for the others' calls of their departments in
 *   flight, and the trigger's and test calls wait for its calls in flight.
 * Nothing here is saved: it describes this process only. Reads another process makes (a worker
 * running manual executions in queue mode) are not seen; athena then decides (manual.ts).
 */

export type Reader = 'trigger' | 'test' | 'action';

interface Read {
	reader: Reader;
	/** `poll`: a scheduled poll that may read the feed; `call`: one request, waiting or in flight. */
	scope: 'poll' | 'call';
	/** undefined: the whole practice. */
	departments?: ReadonlySet<number>;
	/** Order of registration: a test call waits only for calls registered before it. */
	seq: number;
}

const reads = new Map<string, Set<Read>>();
let sequence = 0;

/** How often a wait looks again. */
const WAIT_STEP_MS = 100;
/** The trigger's call waits at most this long for a test call of its departments, then goes ahead. */
export const TRIGGER_YIELD_MS = 10_000;
/** A test call waits at most this long for the trigger's calls of its departments. */
export const TEST_WAIT_MS = 5_000;
/** The least timeout a call keeps after waiting (as the drain gives each call). */
const MIN_CALL_TIMEOUT_MS = 1_000;

export function feedKey(practiceId: number, feedId: string): string {
	return `${practiceId}/${feedId}`;
}

function departmentSet(departmentIds?: readonly number[]): ReadonlySet<number> | undefined {
	return departmentIds && departmentIds.length > 0 ? new Set(departmentIds) : undefined;
}

/** A whole-practice read overlaps every read; department reads overlap when they share one. */
function overlaps(a?: ReadonlySet<number>, b?: ReadonlySet<number>): boolean {
	if (!a || !b) return true;
	for (const department of a) if (b.has(department)) return true;
	return false;
}

/** Registers a read; the function returned ends it (calling it twice is harmless). */
export function beginRead(
	key: string,
	reader: Reader,
	scope: Read['scope'],
	departmentIds?: readonly number[],
): { seq: number; end: () => void } {
	const read: Read = { reader, scope, departments: departmentSet(departmentIds), seq: ++sequence };
	let set = reads.get(key);
	if (!set) reads.set(key, (set = new Set()));
	set.add(read);
	return {
		seq: read.seq,
		end: () => {
			set.delete(read);
			if (set.size === 0 && reads.get(key) === set) reads.delete(key);
		},
	};
}

/** Whether a read matching `which` of these departments (undefined: any) is registered for the feed. */
export function isReading(
	key: string,
	departmentIds: readonly number[] | undefined,
	which: { reader: Reader | readonly Reader[]; scope?: Read['scope']; before?: number },
): boolean {
	const set = reads.get(key);
	if (!set) return false;
	const departments = departmentSet(departmentIds);
	for (const read of set) {
		const wanted =
			typeof which.reader === 'string'
				? read.reader === which.reader
				: which.reader.includes(read.reader);
		if (!wanted || (which.scope && read.scope !== which.scope)) continue;
		if (which.before !== undefined && read.seq >= which.before) continue;
		if (overlaps(read.departments, departments)) return true;
	}
	return false;
}

/** Waits, checking every 100 ms with n8n's sleep, until `free()` or the bound; whether it is free. */
export async function waitUntil(
	free: () => boolean,
	boundMs: number,
	pause: (ms: number) => Promise<void> = sleep,
): Promise<boolean> {
	const until = Date.now() + boundMs;
	while (!free()) {
		const left = until - Date.now();
		if (left <= 0) return false;
		await pause(Math.min(WAIT_STEP_MS, left));
	}
	return true;
}

/** A call's timeout less the time it waited for its turn. */
function lessWaited(timeoutMs: number | undefined, waitedMs: number): number | undefined {
	return timeoutMs === undefined ? undefined : Math.max(MIN_CALL_TIMEOUT_MS, timeoutMs - waitedMs);
}

/**
 * The trigger's calls: each waits (bounded) for the test and Read calls of its departments, then
 * registers itself. It registers only after its wait, so the others' calls, which register before
 * they wait, never wait for a trigger call that waits for them. The trigger's own calls never
 * share a department (its batches are disjoint).
 */
export function triggerFetch(fetchPage: FetchPage, key: string): FetchPage {
	return async (request) => {
		const started = Date.now();
		const busy = () =>
			isReading(key, request.departmentIds, { reader: ['test', 'action'], scope: 'call' });
		// Past the bound the drain goes ahead: its own pacing and failure handling apply.
		if (busy()) await waitUntil(() => !busy(), TRIGGER_YIELD_MS);
		const read = beginRead(key, 'trigger', 'call', request.departmentIds);
		try {
			return await fetchPage({
				...request,
				timeoutMs: lessWaited(request.timeoutMs, Date.now() - started),
			});
		} finally {
			read.end();
		}
	};
}

/**
 * Waits (bounded by `boundMs`) for the trigger's calls of these departments in flight and for the
 * test and Read calls registered before `read`; whether the turn came.
 */
async function turn(
	key: string,
	departmentIds: readonly number[] | undefined,
	read: { seq: number },
	boundMs: number,
): Promise<boolean> {
	const busy = () =>
		isReading(key, departmentIds, { reader: 'trigger', scope: 'call' }) ||
		isReading(key, departmentIds, { reader: ['test', 'action'], scope: 'call', before: read.seq });
	return !busy() || (await waitUntil(() => !busy(), boundMs));
}

/**
 * Changed Data > Read's calls: each registers first (the trigger's next call then waits for it),
 * waits (bounded) for its turn, and past the bound goes ahead (its own pacing and failure
 * handling apply, as the trigger's do).
 */
export function actionFetch(fetchPage: FetchPage, key: string): FetchPage {
	return async (request) => {
		const started = Date.now();
		const read = beginRead(key, 'action', 'call', request.departmentIds);
		try {
			await turn(key, request.departmentIds, read, TRIGGER_YIELD_MS);
			return await fetchPage({
				...request,
				timeoutMs: lessWaited(request.timeoutMs, Date.now() - started),
			});
		} finally {
			read.end();
		}
	};
}

/** A test call found the active trigger reading its departments (thrown by testFetch, read by manual.ts). */
export class FeedBusy extends Error {
	constructor(readonly draining: boolean) {
		super('the active trigger is reading this feed');
	}
}

/**
 * Fetch Test Event's calls. Each registers first (the trigger's next call then waits for it) and
 * waits (bounded) for the trigger's calls of its departments already in flight; a read of the
 * queue itself is not made at all while a scheduled poll is draining them (FeedBusy, draining).
 */
export function testFetch(fetchPage: FetchPage, key: string): FetchPage {
	return async (request) => {
		const queueRead = request.replay === undefined;
		if (queueRead && isReading(key, request.departmentIds, { reader: 'trigger', scope: 'poll' }))
			throw new FeedBusy(true);
		const started = Date.now();
		const read = beginRead(key, 'test', 'call', request.departmentIds);
		try {
			if (!(await turn(key, request.departmentIds, read, TEST_WAIT_MS))) throw new FeedBusy(false);
			if (queueRead && isReading(key, request.departmentIds, { reader: 'trigger', scope: 'poll' }))
				throw new FeedBusy(true);
			return await fetchPage({
				...request,
				timeoutMs: lessWaited(request.timeoutMs, Date.now() - started),
			});
		} finally {
			read.end();
		}
	};
}
