import type { IDataObject, INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { Athenahealth } from '../../../nodes/Athenahealth/Athenahealth.node';
import { executeNode, listSearch, loadOptions } from '../../harness/n8n';
import { useSandbox, type SandboxContext } from '../../harness/sandbox';
import type { Sandbox } from '../../sandbox';

export const node = new Athenahealth();

/** A sandbox per test file, reset before each test; `ctx` is filled in by `useSandbox`. */
export type TestContext = SandboxContext;
export { useSandbox };

/** Requests that reached the sandbox's API (token requests excluded). */
export function apiRequests(sandbox: Sandbox): number {
	return sandbox.stats().requests.filter((entry) => entry.route !== 'token').length;
}

/** Every request the sandbox received, token requests included. */
export function allRequests(sandbox: Sandbox): number {
	return sandbox.stats().requests.length;
}

export async function run(
	ctx: TestContext,
	parameters: INodeParameters,
	items: INodeExecutionData[] = [{ json: {} }],
	options: { continueOnFail?: boolean } = {},
): Promise<INodeExecutionData[]> {
	const [output] = await executeNode(node, parameters, ctx.credentials, items, options);
	return output;
}

export interface CaughtError extends Error {
	description?: string | null;
	httpCode?: string | null;
	context: IDataObject;
}

export async function failure(promise: Promise<unknown>): Promise<CaughtError> {
	try {
		await promise;
	} catch (error) {
		return error as CaughtError;
	}
	throw new Error('expected the node to fail');
}

export function options(ctx: TestContext, method: string, parameters: INodeParameters = {}) {
	return loadOptions(node, method, parameters, ctx.credentials);
}

export function search(
	ctx: TestContext,
	method: string,
	parameters: INodeParameters = {},
	filter?: string,
) {
	return listSearch(node, method, parameters, ctx.credentials, filter);
}

/** Everything an error could show a user or a log: message, description, messages, JSON. */
export function everythingShown(error: CaughtError): string {
	return [
		error.message,
		error.description ?? '',
		JSON.stringify(error),
		JSON.stringify((error as { messages?: unknown }).messages ?? []),
	].join('\n');
}
