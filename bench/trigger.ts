import type { INodeExecutionData } from 'n8n-workflow';

import type { InMemoryCredentialsHelper } from '../test/harness/credentials';
import { PolledWorkflow } from '../test/harness/n8n';

// Under ts-node, `AthenahealthTrigger.node` resolves to AthenahealthTrigger.node.json (Node tries .json
// before .ts), so the class is loaded by the file's full name; the type still comes from the source.
const { AthenahealthTrigger } =
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	require('../nodes/Athenahealth/AthenahealthTrigger.node.ts') as typeof import('../nodes/Athenahealth/AthenahealthTrigger.node');

interface SavedState {
	windowStart?: number;
	guardUntil?: number;
	anchorPending?: boolean;
	clockOffsetMs?: number;
}

/**
 * "Ours": the athenahealth Trigger in a workflow, each tick through n8n-core's PollContext and
 * PollTriggerExecutor, its requests through athenaRequest and the real credential. This is the
 * path a user runs, so its calls, wall time and memory are the honest figures.
 */
export class TriggerDrain {
	readonly workflow: PolledWorkflow;

	constructor(
		credentials: InMemoryCredentialsHelper,
		feed: string,
		departments: number,
		parallelBatches: number,
	) {
		this.workflow = new PolledWorkflow(
			new AthenahealthTrigger(),
			{
				feed,
				departmentIds: Array.from({ length: departments }, (_, index) => String(index + 1)),
				// Benchmark settings: no minute between drains, room for the whole backlog in one poll.
				options: { minIntervalSeconds: 0, maxRecordsPerPoll: 1_000_000, parallelBatches },
			},
			credentials,
		);
	}

	get state(): SavedState {
		return (this.workflow.staticData.drain ?? {}) as SavedState;
	}

	/** Ticks until the trigger has subscribed and saved its crash-recovery window (first polls emit nothing). */
	async prepare(): Promise<number> {
		for (let ticks = 1; ticks <= 6; ticks++) {
			const outcome = await this.workflow.tick();
			if (outcome.error) throw outcome.error;
			if (this.state.windowStart !== undefined && !this.state.anchorPending) return ticks;
		}
		throw new Error('the trigger did not reach its drain state in 6 ticks');
	}

	/**
	 * Local ms until athena's clock passes the guard a big drain leaves (the next drain would sleep
	 * until then: about 3 s after a drain, never with the default minute between drains).
	 */
	guardWaitMs(): number {
		const { guardUntil, clockOffsetMs } = this.state;
		return guardUntil === undefined
			? 0
			: Math.max(0, guardUntil - (clockOffsetMs ?? 0) - Date.now() + 50);
	}

	async poll(): Promise<INodeExecutionData[]> {
		const outcome = await this.workflow.tick();
		if (outcome.error) throw outcome.error;
		return outcome.emitted ?? [];
	}

	/** n8n restarts after a saved poll: memory is gone, the next poll replays the saved window. */
	async pollAfterRestart(): Promise<INodeExecutionData[]> {
		this.workflow.restart();
		const outcome = await this.workflow.tick('init');
		if (outcome.error) throw outcome.error;
		return outcome.emitted ?? [];
	}

	/** A poll whose result n8n never saved (it died first): athena removed the records, nobody got them. */
	async pollAndCrash(): Promise<number> {
		return (await this.workflow.crashAfterPoll())?.length ?? 0;
	}
}
