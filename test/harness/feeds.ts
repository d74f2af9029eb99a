import type { Sandbox } from '../sandbox';

/** Feed helpers shared by the action node's and the trigger's suites (sandbox over real HTTP). */

export const FEED = 'appointments';
export const CLIENT = 'sandbox-client';
export const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, index) => from + index);

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
