import type { IDataObject, INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { AthenahealthTrigger } from '../../../nodes/Athenahealth/AthenahealthTrigger.node';
import type { InMemoryCredentialsHelper } from '../../harness/credentials';
import { PolledWorkflow } from '../../harness/n8n';
import { useSandbox as useSharedSandbox } from '../../harness/sandbox';
import type { SandboxOptions } from '../../sandbox';
import { FEED } from '../../harness/feeds';

export {
	CLIENT,
	FEED,
	changedRequests,
	injectedIds,
	queued,
	range,
	subscribeWholePractice,
} from '../../harness/feeds';

export const trigger = new AthenahealthTrigger();

/** A sandbox per test file, 120 departments, on a real-time clock like athena's. */
export function useSandbox(options: SandboxOptions = {}) {
	return useSharedSandbox({ departments: 120, realTimeClock: true, ...options });
}

export function workflow(
	ctx: { credentials: InMemoryCredentialsHelper },
	parameters: INodeParameters = {},
	options: { pollBudgetMs?: number } = {},
): PolledWorkflow {
	const { options: extra, ...rest } = parameters;
	return new PolledWorkflow(
		trigger,
		{ feed: FEED, ...rest, options: { minIntervalSeconds: 0, ...(extra as IDataObject) } },
		ctx.credentials,
		options,
	);
}

/**
 * The polls a new trigger makes before its first drain: the first subscribes (Subscribe
 * Automatically), the second marks the replay window, the third gets n8n to save the mark.
 */
export async function activate(wf: PolledWorkflow, polls = 3): Promise<void> {
	for (let poll = 0; poll < polls; poll++) {
		const outcome = await wf.tick();
		if (outcome.error) throw outcome.error;
		if (outcome.emitted)
			throw new Error(
				`poll ${poll + 1} emitted ${outcome.emitted.length} items before the first drain`,
			);
	}
}

/** Every record id emitted across the workflow's executions, in order. */
export function emittedIds(wf: PolledWorkflow, idField = 'appointmentid'): number[] {
	return wf.executions.flat().map((item: INodeExecutionData) => item.json[idField] as number);
}

/**
 * The poll n8n runs when it activates the workflow again after a restart ('init'): it checks the
 * subscription and reads nothing from the queue; the scheduled ticks after it drain and replay.
 */
export async function reactivate(
	wf: PolledWorkflow,
	activation: 'init' | 'leadershipChange' = 'init',
): Promise<void> {
	const outcome = await wf.tick(activation);
	if (outcome.error) throw outcome.error;
	if (outcome.emitted)
		throw new Error(`the activation poll emitted ${outcome.emitted.length} items`);
}
