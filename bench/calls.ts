import type { RequestLogEntry, SandboxStats } from '../test/sandbox';

/** Every request the sandbox has answered so far (its counters are exact; its log keeps the newest). */
export function requestTotal(stats: SandboxStats): number {
	return Object.values(stats.counters).reduce((sum, counter) => sum + counter.total, 0);
}

/** The log entries since a snapshot whose requestTotal was `before`. */
export function requestsSince(stats: SandboxStats, before: number): RequestLogEntry[] {
	const count = requestTotal(stats) - before;
	return count > 0 ? stats.requests.slice(-count) : [];
}

export interface ChangedCalls {
	/** Destructive reads. */
	drain: number;
	/** Reads of already-processed records (showprocessed… window): crash-recovery replays. */
	replay: number;
	/** leaveunprocessed reads (the trigger's first poll reads athena's clock this way). */
	peek: number;
	other: number;
}

/** `/changed` calls by kind, from the logged query parameter names (values are never logged). */
export function classifyChanged(entries: readonly RequestLogEntry[]): ChangedCalls {
	const calls: ChangedCalls = { drain: 0, replay: 0, peek: 0, other: 0 };
	for (const entry of entries) {
		if (entry.route !== 'changed') {
			calls.other++;
			continue;
		}
		const query = entry.path.slice(entry.path.indexOf('?') + 1).split('&');
		if (query.includes('showprocessedstartdatetime')) calls.replay++;
		else if (query.includes('leaveunprocessed')) calls.peek++;
		else calls.drain++;
	}
	return calls;
}

/** Token requests one client made (refused ones too), as the sandbox saw them. */
export function tokenRequests(
	stats: SandboxStats,
	clientId: string,
): { requested: number; refused: number } {
	const entries = stats.requests.filter(
		(entry) => entry.route === 'token' && entry.clientId === clientId,
	);
	return {
		requested: entries.length,
		refused: entries.filter((entry) => entry.status !== 200).length,
	};
}
