// Workflow building blocks and execution readers for the e2e suites: n8n's export format, sent
// through the public API.
import { randomUUID } from 'node:crypto';

import type { PublicApi } from '../../scripts/n8n/n8n-process';

export const PACKAGE = 'n8n-nodes-athenahealth';
export const ACTION = `${PACKAGE}.athenahealth`;
export const TRIGGER = `${PACKAGE}.athenahealthTrigger`;
export const CREDENTIAL_TYPE = 'athenahealthApi';

export interface WorkflowNode {
	id: string;
	name: string;
	type: string;
	typeVersion: number;
	position: [number, number];
	parameters: Record<string, unknown>;
	credentials?: Record<string, { id: string; name: string }>;
	webhookId?: string;
}

export interface CredentialRef {
	id: string;
	name: string;
}

let x = 0;
function node(
	name: string,
	type: string,
	typeVersion: number,
	parameters: Record<string, unknown>,
	extra: Partial<WorkflowNode> = {},
): WorkflowNode {
	x += 220;
	return { id: randomUUID(), name, type, typeVersion, position: [x, 0], parameters, ...extra };
}

/** A production webhook at /webhook/<path> that answers with the last node's first item. */
export function webhookNode(path: string, name = 'Webhook'): WorkflowNode {
	return node(
		name,
		'n8n-nodes-base.webhook',
		2,
		{
			httpMethod: 'POST',
			path,
			responseMode: 'lastNode',
			responseData: 'firstEntryJson',
			options: {},
		},
		{ webhookId: randomUUID() },
	);
}

export function athenaNode(
	name: string,
	parameters: Record<string, unknown>,
	credential: CredentialRef,
): WorkflowNode {
	return node(name, ACTION, 1, parameters, { credentials: { [CREDENTIAL_TYPE]: credential } });
}

export function triggerNode(
	name: string,
	parameters: Record<string, unknown>,
	credential: CredentialRef,
): WorkflowNode {
	return node(name, TRIGGER, 1, parameters, { credentials: { [CREDENTIAL_TYPE]: credential } });
}

export function noOpNode(name: string): WorkflowNode {
	return node(name, 'n8n-nodes-base.noOp', 1, {});
}

/** n8n's HTTP Request node calling an athena URL with our credential as a predefined credential type. */
export function httpRequestNode(
	name: string,
	url: string,
	credential: CredentialRef,
): WorkflowNode {
	return node(
		name,
		'n8n-nodes-base.httpRequest',
		4.2,
		{
			method: 'GET',
			url,
			authentication: 'predefinedCredentialType',
			nodeCredentialType: CREDENTIAL_TYPE,
			options: {},
		},
		{ credentials: { [CREDENTIAL_TYPE]: credential } },
	);
}

/** Nodes connected one after the other on their main output. */
export function chain(name: string, nodes: WorkflowNode[]) {
	const connections: Record<string, unknown> = {};
	for (let i = 0; i + 1 < nodes.length; i++) {
		connections[nodes[i].name] = { main: [[{ node: nodes[i + 1].name, type: 'main', index: 0 }]] };
	}
	return { name, nodes, connections, settings: { executionOrder: 'v1' } };
}

/**
 * Webhook -> Create Patient Case: the case's ids come from the call's body, its subject (and what
 * `additionalFields` adds) too; the subclass is PATIENTCALL, a value earlier versions offered and
 * saved, which still runs (as athena's PATIENTCASE).
 */
export function createCaseWorkflow(
	name: string,
	path: string,
	credential: CredentialRef,
	additionalFields: Record<string, unknown>,
) {
	return chain(name, [
		webhookNode(path),
		athenaNode(
			'Create Patient Case',
			{
				resource: 'patientCase',
				operation: 'create',
				patientId: '={{ $json.body.patientId }}',
				departmentId: '={{ $json.body.departmentId }}',
				providerId: '={{ $json.body.providerId }}',
				documentSource: 'PATIENT',
				documentSubclass: 'PATIENTCALL',
				additionalFields: { subject: '={{ $json.body.subject }}', ...additionalFields },
			},
			credential,
		),
	]);
}

/** Webhook -> Update Patient Case: the patient and case ids and the subject from the call's body. */
export function updateCaseWorkflow(
	name: string,
	path: string,
	credential: CredentialRef,
	updateFields: Record<string, unknown>,
) {
	return chain(name, [
		webhookNode(path),
		athenaNode(
			'Update Patient Case',
			{
				resource: 'patientCase',
				operation: 'update',
				patientId: '={{ $json.body.patientId }}',
				patientCaseId: '={{ $json.body.patientCaseId }}',
				updateFields: { subject: '={{ $json.body.subject }}', ...updateFields },
			},
			credential,
		),
	]);
}

/** Creates and activates a workflow; returns its id. */
export async function createActive(
	api: PublicApi,
	workflow: ReturnType<typeof chain>,
): Promise<string> {
	const created = await api.createWorkflow(workflow);
	await api.activate(created.id);
	return String(created.id);
}

/**
 * POSTs JSON to a production webhook; returns the status and the parsed answer. n8n registers a
 * production webhook a moment after the activate call returns: "not registered" is retried briefly.
 */
export async function callWebhook(
	baseUrl: string,
	path: string,
	body: unknown,
): Promise<{ status: number; json: any; text: string }> {
	const deadline = Date.now() + 15_000;
	for (;;) {
		const response = await fetch(`${baseUrl}/webhook/${path}`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify(body),
		});
		const text = await response.text();
		if (response.status === 404 && text.includes('is not registered') && Date.now() < deadline) {
			await new Promise((resolve) => setTimeout(resolve, 250));
			continue;
		}
		let json: any;
		try {
			json = JSON.parse(text);
		} catch {}
		return { status: response.status, json, text };
	}
}

export interface ExecutionSummary {
	id: string;
	status: string;
	mode: string;
	finished: boolean;
	startedAt: string;
	stoppedAt?: string;
}

/** Every execution of a workflow, oldest first (the API lists newest first). */
export async function executionsOf(
	api: PublicApi,
	workflowId: string,
): Promise<ExecutionSummary[]> {
	const all: ExecutionSummary[] = [];
	let cursor: string | undefined;
	do {
		const page = await api.call(
			'GET',
			`/executions?workflowId=${workflowId}&limit=250${cursor ? `&cursor=${cursor}` : ''}`,
		);
		all.push(...page.data.map((e: any) => ({ ...e, id: String(e.id) })));
		cursor = page.nextCursor ?? undefined;
	} while (cursor);
	return all.sort((a, b) => Number(a.id) - Number(b.id));
}

/** The items a node put out in an execution (first run, first output). */
export async function nodeOutput(
	api: PublicApi,
	executionId: string,
	nodeName: string,
): Promise<Array<Record<string, any>>> {
	const execution = await api.getExecution(executionId, { includeData: true });
	const runs = execution.data?.resultData?.runData?.[nodeName];
	if (!runs) {
		const ran = Object.keys(execution.data?.resultData?.runData ?? {});
		const error = execution.data?.resultData?.error;
		throw new Error(
			`execution ${executionId} (${execution.status}) has no run of "${nodeName}"; ran: ${ran.join(', ') || 'nothing'}${error ? `; error: ${error.message}` : ''}`,
		);
	}
	return (runs[0].data?.main?.[0] ?? []).map((item: { json: Record<string, any> }) => item.json);
}

/** The error an execution ended with, if any. */
export async function executionError(
	api: PublicApi,
	executionId: string,
): Promise<string | undefined> {
	const execution = await api.getExecution(executionId, { includeData: true });
	const error = execution.data?.resultData?.error;
	return error
		? `${error.message}${error.description ? ` (${error.description})` : ''}`
		: undefined;
}
