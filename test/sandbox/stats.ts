import type { FaultDecision, FaultKind } from './faults';
import type { RouteName } from './protocol';

export interface RequestLogEntry {
	/** Sandbox clock at arrival. */
	at: number;
	method: string;
	route: RouteName;
	/** The path and the query parameter names only: values can carry patient data. */
	path: string;
	/** 0 when the socket was dropped without an answer. */
	status: number;
	clientId?: string;
	departmentIds?: string[];
	fault?: FaultKind;
}

export type ViolationKind = 'concurrentChanged' | 'tokenOverLimit' | 'limitOverMax';

export interface RouteCounter {
	total: number;
	byStatus: Record<string, number>;
}

export interface SandboxStats {
	requests: RequestLogEntry[];
	counters: Record<string, RouteCounter>;
	violations: Record<ViolationKind, number>;
	faults: Partial<Record<FaultKind, number>>;
	tokensIssued: number;
}

/** The request log keeps the newest entries; counters stay exact. */
const LOG_LIMIT = 50_000;

export class Stats {
	private log: RequestLogEntry[] = [];
	private counters: Record<string, RouteCounter> = {};
	private violations = emptyViolations();
	private faults: Partial<Record<FaultKind, number>> = {};
	tokensIssued = 0;

	record(entry: RequestLogEntry): void {
		this.log.push(entry);
		// Trimming in halves keeps pushes amortized O(1).
		if (this.log.length >= 2 * LOG_LIMIT) this.log = this.log.slice(-LOG_LIMIT);
		const counter = (this.counters[entry.route] ??= { total: 0, byStatus: {} });
		counter.total++;
		counter.byStatus[entry.status] = (counter.byStatus[entry.status] ?? 0) + 1;
	}

	violation(kind: ViolationKind): void {
		this.violations[kind]++;
	}

	/** Counts every fault a decision injects; returns the one the log names (the outcome first). */
	countFaults(decision: FaultDecision): FaultKind | undefined {
		const kinds: FaultKind[] = [];
		if (decision.outcome) kinds.push(decision.outcome);
		if (decision.spike) kinds.push('spike');
		if (decision.delayMs > 0) kinds.push('latency');
		for (const kind of kinds) this.faults[kind] = (this.faults[kind] ?? 0) + 1;
		return kinds[0];
	}

	snapshot(): SandboxStats {
		return {
			requests: this.log.slice(-LOG_LIMIT),
			counters: structuredClone(this.counters),
			violations: { ...this.violations },
			faults: { ...this.faults },
			tokensIssued: this.tokensIssued,
		};
	}

	reset(): void {
		this.log = [];
		this.counters = {};
		this.violations = emptyViolations();
		this.faults = {};
		this.tokensIssued = 0;
	}
}

function emptyViolations(): Record<ViolationKind, number> {
	return { concurrentChanged: 0, tokenOverLimit: 0, limitOverMax: 0 };
}

/** `/v1/195900/appointments/changed?limit&departmentid`: parameter names without their values. */
export function loggedPath(url: URL): string {
	const names = [...new Set(url.searchParams.keys())];
	return names.length ? `${url.pathname}?${names.join('&')}` : url.pathname;
}
