import { DEMO_CLIENT, type Sandbox } from '../sandbox';
import { AthenaClient } from './athenaClient';

/** Feed helpers shared by the action node's and the trigger's suites (sandbox over real HTTP). */

export const FEED = 'appointments';
export const CLIENT = DEMO_CLIENT.clientId;
export const range = (from: number, to: number) =>
	Array.from({ length: to - from + 1 }, (_, index) => from + index);

export function injectedIds(
	records: Array<Record<string, unknown>>,
	idField = 'appointmentid',
): number[] {
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
export async function subscribeWholePractice(
	sandbox: Sandbox,
	feedPath = 'appointments/changed',
): Promise<void> {
	const answer = await new AthenaClient(sandbox).post(`${feedPath}/subscription`);
	if (answer.status !== 200) throw new Error(`subscribe failed: ${answer.status}`);
}
