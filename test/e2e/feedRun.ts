// What the e2e run-mode suites share: a trigger workflow on the sandbox, the records injected into
// athena's queue, and the executions n8n started for them, read back through the public API and
// counted (lost, repeated), with which process ran each when n8n says so.
import { twentyPercentFaults } from '../sandbox';
import { fastPollTimes, waitFor, type E2eN8n } from './realN8n';
import type { SandboxProcess } from './sandbox';
import {
	chain,
	CREDENTIAL_TYPE,
	executionsOf,
	noOpNode,
	triggerNode,
	type CredentialRef,
	type WorkflowNode,
} from './workflows';

export const FEED = 'appointments';
export const ID_FIELD = 'appointmentid';
export const TRIGGER_NAME = 'athenahealth Trigger';

/** About one request in five fails (the sandbox's twentyPercentFaults), answers slowed by 5 ms. */
export const TWENTY_PERCENT = twentyPercentFaults(5);

/** The trigger on FEED, polling every 5 s over these departments, with these options. */
export function feedTriggerNode(
	departmentIds: string[],
	options: Record<string, unknown>,
	credential: CredentialRef,
): WorkflowNode {
	return triggerNode(
		TRIGGER_NAME,
		{ pollTimes: fastPollTimes(5), feed: FEED, events: [], departmentIds, options },
		credential,
	);
}

export function departments(count: number): string[] {
	return Array.from({ length: count }, (_, index) => String(index + 1));
}

export interface FeedReport {
	records: number;
	delivered: number;
	lost: number;
	duplicated: number;
	executions: number;
	/** Executions that ended in an error: polls athena failed (n8n records them; the workflow stays active). */
	failedPolls: number;
}

/** Times each phase of a suite and prints it, so CI shows where its minutes go. */
export function timer(suite: string) {
	const start = Date.now();
	let last = start;
	return (phase: string) => {
		const now = Date.now();
		process.stderr.write(
			`[e2e ${suite}] ${phase}: ${((now - last) / 1000).toFixed(1)} s (total ${((now - start) / 1000).toFixed(1)} s)\n`,
		);
		last = now;
	};
}

/** A trigger workflow on one n8n: a single instance (E2eN8n) or a queue-mode main. */
export class FeedRun<N extends Pick<E2eN8n, 'api' | 'logs'> = E2eN8n> {
	readonly injected: string[] = [];
	/** Record ids per successful execution, read once each. */
	private readonly seen = new Map<string, string[]>();
	private readonly failed = new Set<string>();
	/** Executions collect() leaves alone (the test reads them itself). */
	readonly held = new Set<string>();
	/** Executions that hold the trigger's records but did not end in success, with their status. */
	readonly unfinished = new Map<string, string>();
	workflowId = '';

	constructor(
		public n8n: N,
		readonly sandbox: SandboxProcess,
	) {}

	/** Creates the credential and the trigger workflow (every 5 s, no pacing), activated unless told not to. */
	async create(options: {
		departmentIds: string[];
		activate?: boolean;
		extra?: Record<string, unknown>;
		/** Nodes after the trigger (default: one No Operation node). */
		after?: WorkflowNode[];
	}): Promise<string> {
		const credential = await this.n8n.api.createCredential({
			name: 'athenahealth sandbox',
			type: CREDENTIAL_TYPE,
			data: this.sandbox.credentialData(),
		});
		const workflow = chain('e2e run modes', [
			feedTriggerNode(
				options.departmentIds,
				{ minIntervalSeconds: 0, autoSubscribe: true, crashRecovery: true, ...options.extra },
				{ id: String(credential.id), name: credential.name },
			),
			...(options.after ?? [noOpNode('Received')]),
		]);
		this.workflowId = String((await this.n8n.api.createWorkflow(workflow)).id);
		if (options.activate !== false) await this.n8n.api.activate(this.workflowId);
		return this.workflowId;
	}

	/** Waits until the trigger has subscribed and saved its recovery window (its first drain can start). */
	async ready(timeoutMs = 60_000): Promise<void> {
		await waitFor(
			async () => {
				const workflow = await this.n8n.api.getWorkflow(this.workflowId);
				const state = workflow.staticData?.[`node:${TRIGGER_NAME}`]?.drain;
				return state?.windowStart !== undefined;
			},
			{ timeoutMs, intervalMs: 500, what: "the trigger's saved recovery window" },
		);
	}

	/** Waits until athena holds the trigger's subscription: records injected from then on queue for it. */
	async subscribed(timeoutMs = 60_000): Promise<void> {
		await waitFor(
			async () =>
				(await this.sandbox.queues()).some(
					(queue) => queue.feed === FEED && queue.status === 'ACTIVE',
				),
			{
				timeoutMs,
				intervalMs: 250,
				what: "the trigger's subscription",
			},
		);
	}

	async inject(departmentIds: string[], count: number): Promise<void> {
		// The control endpoint answers with the ids; large injections go in slices.
		for (let done = 0; done < count; ) {
			const slice = Math.min(5000, count - done);
			const { ids } = await this.sandbox.inject({ feed: FEED, count: slice, departmentIds });
			this.injected.push(...ids.map(String));
			done += slice;
		}
	}

	/** Reads the executions not read yet. */
	async collect(): Promise<void> {
		const list = await executionsOf(this.n8n.api, this.workflowId);
		for (const execution of list) {
			if (
				this.seen.has(execution.id) ||
				this.failed.has(execution.id) ||
				this.held.has(execution.id)
			)
				continue;
			if (
				!execution.stoppedAt &&
				['new', 'running', 'waiting', 'queued'].includes(execution.status)
			)
				continue;
			const full = await this.n8n.api.getExecution(execution.id, { includeData: true });
			const runs = full.data?.resultData?.runData?.[TRIGGER_NAME];
			// The trigger's items are stored with the execution when the poll hands them over; an
			// execution a worker never finished (queue mode) still holds them in its start data.
			const handed = full.data?.executionData?.nodeExecutionStack?.find(
				(entry: { node?: { name?: string } }) => entry.node?.name === TRIGGER_NAME,
			);
			const items: Array<{ json: Record<string, unknown> }> | undefined =
				runs?.[0]?.data?.main?.[0] ?? handed?.data?.main?.[0];
			if (execution.status !== 'success') this.unfinished.set(execution.id, execution.status);
			if (!items) {
				this.failed.add(execution.id);
				continue;
			}
			this.seen.set(
				execution.id,
				items.map((item) => String(item.json[ID_FIELD])),
			);
		}
	}

	/** The trigger's records an execution holds, as n8n stored it (its start data, or the trigger's run). */
	async itemsOf(executionId: string): Promise<string[] | undefined> {
		const full = await this.n8n.api.getExecution(executionId, { includeData: true });
		const runs = full.data?.resultData?.runData?.[TRIGGER_NAME];
		const handed = full.data?.executionData?.nodeExecutionStack?.find(
			(entry: { node?: { name?: string } }) => entry.node?.name === TRIGGER_NAME,
		);
		const items: Array<{ json: Record<string, unknown> }> | undefined =
			runs?.[0]?.data?.main?.[0] ?? handed?.data?.main?.[0];
		return items?.map((item) => String(item.json[ID_FIELD]));
	}

	/**
	 * Counts the records of an execution as handed over by the trigger, read from n8n while it ran
	 * (n8n may drop them afterwards, as it does when the worker running it dies).
	 */
	accept(executionId: string, ids: string[]): void {
		this.failed.delete(executionId);
		this.seen.set(executionId, ids);
	}

	delivered(): string[] {
		return [...this.seen.values()].flat();
	}

	/** Waits until every injected record arrived (or more); returns the report. */
	async waitForAll(timeoutMs: number, what = 'every injected record'): Promise<FeedReport> {
		await waitFor(
			async () => {
				await this.collect();
				return new Set(this.delivered()).size >= new Set(this.injected).size;
			},
			{ timeoutMs, intervalMs: 2000, what: `${what} (${this.injected.length})` },
		).catch((error: Error) => {
			throw new Error(`${error.message}; so far ${JSON.stringify(this.report())}`);
		});
		return this.report();
	}

	report(): FeedReport {
		const delivered = this.delivered();
		const distinct = new Set(delivered);
		const wanted = new Set(this.injected);
		return {
			records: this.injected.length,
			delivered: delivered.length,
			lost: [...wanted].filter((id) => !distinct.has(id)).length,
			duplicated:
				delivered.length - distinct.size + [...distinct].filter((id) => !wanted.has(id)).length,
			executions: this.seen.size,
			failedPolls: this.failed.size,
		};
	}

	executionIds(): string[] {
		return [...this.seen.keys()];
	}
}
