// The example workflows that `npm run dev` imports (scripts/n8n/workflows/*.json), imported by the
// same code into a real n8n against the sandbox: they import cleanly, the active ones activate, and
// each does what its name says. Only the trigger's schedule is sped up (a poll every 5 s).
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { executeWithCli, fastPollTimes, startE2eN8n, waitFor, type E2eN8n } from './realN8n';
import { SANDBOX_CLIENT, startSandbox, type SandboxProcess } from './sandbox';
import { ACTION, executionsOf, nodeOutput, TRIGGER } from './workflows';

// dev.js is plain CommonJS without a .d.ts: the part this suite uses.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const dev = require('../../scripts/n8n/dev') as {
	importWorkflows(
		api: unknown,
		credential: { id: string; name: string },
		options: { dir: string; log: (message: string) => void },
	): Promise<Array<{ id: string; name: string }>>;
	CREDENTIAL_TYPE: string;
	CREDENTIAL_NAME: string;
	WORKFLOWS_DIR: string;
};

const FORM_NAME = 'Athenahealth: create a patient case from a form';
const FEED_NAME = 'Athenahealth: new patient cases from the feed';
const SUBSCRIPTION_NAME = 'Athenahealth: manage a feed subscription';

interface ExampleWorkflow {
	name: string;
	active?: boolean;
	nodes: Array<{
		name: string;
		type: string;
		parameters: Record<string, any>;
		credentials?: Record<string, unknown>;
	}>;
}

describe('example workflows (scripts/n8n/workflows)', () => {
	let n8n: E2eN8n;
	let sandbox: SandboxProcess;
	let examples: Array<{ file: string; workflow: ExampleWorkflow }>;
	const ids = new Map<string, string>();
	let importDir: string;

	beforeAll(async () => {
		examples = readdirSync(dev.WORKFLOWS_DIR)
			.filter((file) => file.endsWith('.json'))
			.map((file) => ({
				file,
				workflow: JSON.parse(
					readFileSync(join(dev.WORKFLOWS_DIR, file), 'utf8'),
				) as ExampleWorkflow,
			}));
		// The shipped files, except that the trigger polls every 5 s with athena's minute pacing off.
		importDir = mkdtempSync(join(tmpdir(), 'athena-e2e-workflows-'));
		for (const { file, workflow } of examples) {
			const copy = structuredClone(workflow);
			for (const node of copy.nodes) {
				if (node.type === TRIGGER) {
					node.parameters.pollTimes = fastPollTimes(5);
					node.parameters.options = { ...node.parameters.options, minIntervalSeconds: 0 };
				}
			}
			writeFileSync(join(importDir, file), JSON.stringify(copy));
		}
		[n8n, sandbox] = await Promise.all([startE2eN8n(), startSandbox()]);
		const created = await n8n.api.createCredential({
			name: dev.CREDENTIAL_NAME,
			type: dev.CREDENTIAL_TYPE,
			data: sandbox.credentialData(),
		});
		const imported = await dev.importWorkflows(
			n8n.api,
			{ id: String(created.id), name: created.name },
			{ dir: importDir, log: () => {} },
		);
		for (const workflow of imported) ids.set(workflow.name, String(workflow.id));
	});

	afterAll(async () => {
		await Promise.all([n8n?.stop(), sandbox?.close()]);
		if (importDir) rmSync(importDir, { recursive: true, force: true });
	});

	it('ships the three examples, each using the athenahealth nodes with the dev credential', () => {
		expect(examples.map((e) => e.workflow.name).sort()).toEqual(
			[FORM_NAME, SUBSCRIPTION_NAME, FEED_NAME].sort(),
		);
		for (const { workflow } of examples) {
			const athena = workflow.nodes.filter((node) => node.type === ACTION || node.type === TRIGGER);
			expect(athena.length).toBeGreaterThan(0);
			for (const node of athena)
				expect(Object.keys(node.credentials ?? {})).toEqual([dev.CREDENTIAL_TYPE]);
		}
	});

	it('imports every example, and activates the ones exported as active', async () => {
		expect([...ids.keys()].sort()).toEqual(examples.map((e) => e.workflow.name).sort());
		for (const { workflow } of examples) {
			const stored = await n8n.api.getWorkflow(ids.get(workflow.name)!);
			expect({ name: workflow.name, active: stored.active }).toEqual({
				name: workflow.name,
				active: workflow.active === true,
			});
		}
		expect(
			[...ids.keys()].filter(
				(name) => examples.find((e) => e.workflow.name === name)?.workflow.active,
			),
		).toEqual(expect.arrayContaining([FORM_NAME, FEED_NAME]));
	});

	let caseId: number;

	it('the feed workflow, once active, subscribes to new patient cases', async () => {
		// n8n runs a trigger's first poll a moment after the activate call returns; athena queues
		// only what happens after the subscription, so the form waits for it.
		const queue = await waitFor(
			async () =>
				(await sandbox.queues()).find(
					(q) => q.feed === 'documents/patientcase' && q.clientId === SANDBOX_CLIENT.clientId,
				),
			{ timeoutMs: 30_000, what: 'the subscription to documents/patientcase' },
		);
		// Only the add event: the example posts new cases, not updates.
		expect(queue.status).toBe('PARTIAL');
	});

	it('the form creates a patient case (the form page renders, a submission lands in the sandbox)', async () => {
		const formUrl = `${n8n.url}/form/athena-new-patient-case`;
		const page = await waitFor(
			async () => {
				const response = await fetch(formUrl);
				return response.status === 200 ? await response.text() : undefined;
			},
			{ timeoutMs: 15_000, what: 'the production form page' },
		);
		expect(page).toContain('New patient case');
		expect(page).toContain('Patient ID');

		// What the browser sends: multipart form data, one field-<n> per form element in order.
		const form = new FormData();
		const values = [
			'12',
			'3',
			'4',
			'Refill request from the form',
			'Out of lisinopril, asks for a refill.',
			'617-555-0142',
		];
		values.forEach((value, index) => form.append(`field-${index}`, value));
		const response = await fetch(formUrl, { method: 'POST', body: form });
		const text = await response.text();
		expect({ status: response.status, text: text.slice(0, 300) }).toEqual({
			status: 200,
			text: expect.any(String),
		});

		const created = await waitFor(
			async () => (await sandbox.cases()).find((c) => c.subject === 'Refill request from the form'),
			{ timeoutMs: 15_000, what: 'the case in the sandbox' },
		);
		expect(created).toEqual(
			expect.objectContaining({
				patientid: '12',
				departmentid: '3',
				providerid: '4',
				internalnote: 'Out of lisinopril, asks for a refill.',
				callbacknumber: '617-555-0142',
				createdvia: 'API',
				creatorclientid: SANDBOX_CLIENT.clientId,
			}),
		);
		caseId = created.patientcaseid;
	});

	it('the feed workflow shows that new case in its executions', async () => {
		const workflowId = ids.get(FEED_NAME)!;
		const summary = await waitFor(
			async () => {
				for (const execution of await executionsOf(n8n.api, workflowId)) {
					if (!execution.stoppedAt) continue;
					expect(execution.status).toBe('success');
					const items = await nodeOutput(n8n.api, execution.id, 'Case summary');
					const found = items.find((item) => item.patientCaseId === caseId);
					if (found) return found;
				}
				return undefined;
			},
			{
				timeoutMs: 60_000,
				intervalMs: 1000,
				what: `an execution of "${FEED_NAME}" with case ${caseId}`,
			},
		).catch(async (error: Error) => {
			const workflow = await n8n.api.getWorkflow(workflowId);
			const reads = (await sandbox.stats()).requests
				.filter((r) => r.route === 'changed' || r.route === 'subscription')
				.slice(-8);
			throw new Error(
				`${error.message}\nqueues: ${JSON.stringify(await sandbox.queues())}\nstaticData: ${JSON.stringify(workflow.staticData)}\nlast reads: ${JSON.stringify(reads)}`,
			);
		});
		expect(summary).toEqual(
			expect.objectContaining({
				patientId: 12,
				departmentId: 3,
				subject: 'Refill request from the form',
				summary: `Patient case ${caseId} for patient 12: Refill request from the form`,
			}),
		);
	});

	it('the subscription workflow (Manual Trigger, run with `n8n execute`) lists events, subscribes and reads the status', async () => {
		const workflowId = ids.get(SUBSCRIPTION_NAME)!;
		expect((await sandbox.queues()).filter((q) => q.feed === 'appointments')).toEqual([]);
		const { code, output } = await executeWithCli(n8n, workflowId);
		expect({ code, tail: code === 0 ? '' : output.slice(-2000) }).toEqual({ code: 0, tail: '' });

		const [execution] = (await executionsOf(n8n.api, workflowId)).slice(-1);
		expect(execution).toEqual(expect.objectContaining({ status: 'success', mode: 'cli' }));
		const [events] = await nodeOutput(n8n.api, execution.id, 'Get Available Events');
		expect(events.events).toEqual(expect.arrayContaining(['ScheduleAppointment']));
		const [status] = await nodeOutput(n8n.api, execution.id, 'Get Status');
		expect(status).toEqual(expect.objectContaining({ feed: 'appointments', status: 'ACTIVE' }));
		expect(await sandbox.queues()).toContainEqual(
			expect.objectContaining({
				clientId: SANDBOX_CLIENT.clientId,
				feed: 'appointments',
				status: 'ACTIVE',
			}),
		);
	});

	it('logged no package load errors', () => {
		expect(n8n.logs()).not.toMatch(/Failed to load package|Error loading package/i);
	});
});
