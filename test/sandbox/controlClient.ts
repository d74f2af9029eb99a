import type { FaultConfig, InjectSpec, QueueSummary, ReplayBehaviour, SandboxStats } from './index';

/**
 * Calls the /_sandbox/* control endpoints of a sandbox running in another process (the benchmark's
 * and the end-to-end suite's child processes) over HTTP.
 */
function controlClient(url: string) {
	return async function control<T>(method: string, path: string, body?: unknown): Promise<T> {
		const response = await fetch(`${url}/_sandbox/${path}`, {
			method,
			headers: body === undefined ? undefined : { 'content-type': 'application/json' },
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		const text = await response.text();
		if (!response.ok)
			throw new Error(
				`sandbox ${method} /_sandbox/${path}: ${response.status} ${text.slice(0, 300)}`,
			);
		return JSON.parse(text) as T;
	};
}

/** A patient case as GET /_sandbox/cases lists it: athena's view plus who created it and how. */
export interface SandboxCase {
	patientcaseid: number;
	patientid: string;
	departmentid: string;
	providerid: string;
	documentsource: string;
	documentsubclass: string;
	subject?: string;
	internalnote?: string;
	priority?: string;
	status: string;
	callbackname?: string;
	callbacknumber?: string;
	createdvia: string;
	creatorclientid?: string;
	[key: string]: unknown;
}

/** The control endpoints, typed. */
export interface SandboxControl {
	inject(spec: InjectSpec & { returnRecords?: boolean }): Promise<{
		injected: number;
		ids: Array<string | number>;
		records?: Record<string, unknown>[];
	}>;
	queues(): Promise<QueueSummary[]>;
	cases(): Promise<SandboxCase[]>;
	stats(): Promise<SandboxStats>;
	setFaults(config: FaultConfig): Promise<void>;
	setReplayBehaviour(behaviour: Partial<ReplayBehaviour>): Promise<ReplayBehaviour>;
	reset(): Promise<void>;
	/** Every issued token stops working at once (as if its lifetime ended). */
	expireTokens(): Promise<void>;
}

export function sandboxControl(url: string): SandboxControl {
	const control = controlClient(url);
	return {
		inject: (spec) => control('POST', 'inject', spec),
		queues: () => control('GET', 'queues'),
		cases: () => control('GET', 'cases'),
		stats: () => control('GET', 'stats'),
		setFaults: async (config) => {
			await control('POST', 'faults', config);
		},
		setReplayBehaviour: (behaviour) => control('POST', 'replay', behaviour),
		reset: async () => {
			await control('POST', 'reset');
		},
		expireTokens: async () => {
			await control('POST', 'tokens/expire');
		},
	};
}
