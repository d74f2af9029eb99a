import type { IDataObject, INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { AthenahealthTrigger } from '../../../nodes/AthenahealthTrigger/AthenahealthTrigger.node';
import type { InMemoryCredentialsHelper } from '../../harness/credentials';
import { PolledWorkflow } from '../../harness/n8n';
import { useSandbox as useSharedSandbox } from '../../harness/sandbox';
import type { Sandbox, SandboxOptions } from '../../sandbox';

export const trigger = new AthenahealthTrigger();
export const FEED = 'appointments';
export const CLIENT = 'sandbox-client';

/** A sandbox per test file, 120 departments, on a real-time clock like athena's. */
export function useSandbox(options: SandboxOptions = {}) {
	return useSharedSandbox({ departments: 120, realTimeClock: true, ...options });
}

export const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, index) => from + index);

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
		if (outcome.emitted) throw new Error(`poll ${poll + 1} emitted ${outcome.emitted.length} items before the first drain`);
	}
}

/** Every record id emitted across the workflow's executions, in order. */
export function emittedIds(wf: PolledWorkflow, idField = 'appointmentid'): number[] {
	return wf.executions.flat().map((item: INodeExecutionData) => item.json[idField] as number);
}

export function injectedIds(records: Array<Record<string, unknown>>, idField = 'appointmentid'): number[] {
	return records.map((record) => Number(record[idField]));
}

/** `/changed` requests the sandbox answered or dropped, with their parameter names. */
export function changedRequests(sandbox: Sandbox) {
	return sandbox.stats().requests.filter((entry) => entry.route === 'changed');
}

export function queued(sandbox: Sandbox, feed = FEED): number {
	return sandbox.state.queue(CLIENT, feed).length;
}

/** Subscribes the sandbox's demo client to every event of a feed for the whole practice, over HTTP. */
export async function subscribeWholePractice(sandbox: Sandbox, feedPath = 'appointments/changed'): Promise<void> {
	const basic = Buffer.from('sandbox-client:sandbox-secret').toString('base64');
	const grant = await fetch(`${sandbox.url}/oauth2/v1/token`, {
		method: 'POST',
		headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
		body: 'grant_type=client_credentials&scope=athena/service/Athenanet.MDP.*',
	});
	const { access_token: bearer } = (await grant.json()) as { access_token: string };
	const answer = await fetch(`${sandbox.url}/v1/195900/${feedPath}/subscription`, {
		method: 'POST',
		headers: { authorization: `Bearer ${bearer}` },
	});
	if (!answer.ok) throw new Error(`subscribe failed: ${answer.status}`);
}
