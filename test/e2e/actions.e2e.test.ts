// The real n8n, the packed package and the athena sandbox: the credential, n8n's HTTP Request node
// with our credential, the action node's patient cases and subscriptions, each run through a
// production webhook and checked against what the sandbox holds.
import { startE2eN8n, type E2eN8n } from './realN8n';
import { PRACTICE_ID, SANDBOX_CLIENT, startSandbox, type SandboxProcess } from './sandbox';
import {
	athenaNode,
	callWebhook,
	chain,
	createCaseWorkflow,
	updateCaseWorkflow,
	createActive,
	CREDENTIAL_TYPE,
	executionsOf,
	httpRequestNode,
	nodeOutput,
	webhookNode,
	type CredentialRef,
} from './workflows';

describe('athenahealth nodes in a real n8n against the sandbox', () => {
	let n8n: E2eN8n;
	let sandbox: SandboxProcess;
	let credential: CredentialRef;

	beforeAll(async () => {
		[n8n, sandbox] = await Promise.all([startE2eN8n(), startSandbox()]);
		const created = await n8n.api.createCredential({
			name: 'athenahealth sandbox',
			type: CREDENTIAL_TYPE,
			data: sandbox.credentialData(),
		});
		credential = { id: String(created.id), name: created.name };
	});

	afterAll(async () => {
		await Promise.all([n8n?.stop(), sandbox?.close()]);
	});

	describe('credential', () => {
		it("passes n8n's credential test (a token from the sandbox, then GET departments)", async () => {
			const before = (await sandbox.stats()).tokensIssued;
			const result = await n8n.api.testCredential(credential.id);
			expect(result).toEqual(expect.objectContaining({ status: 'OK' }));
			const stats = await sandbox.stats();
			expect(stats.tokensIssued).toBeGreaterThan(before);
			expect(
				stats.requests.some(
					(r) =>
						r.route === 'departments' && r.status === 200 && r.clientId === SANDBOX_CLIENT.clientId,
				),
			).toBe(true);
		});

		it('fails the credential test with a wrong client secret', async () => {
			const wrong = await n8n.api.createCredential({
				name: 'athenahealth wrong secret',
				type: CREDENTIAL_TYPE,
				data: { ...sandbox.credentialData(), clientSecret: 'not-the-secret' },
			});
			const result = await n8n.api.testCredential(String(wrong.id));
			expect(result.status).toBe('Error');
		});

		it("lets n8n's HTTP Request node call another athena endpoint with the credential", async () => {
			const path = 'e2e-http-request';
			await createActive(
				n8n.api,
				chain('e2e HTTP Request with athenahealthApi', [
					webhookNode(path),
					httpRequestNode('Get Patient', `${sandbox.url}/v1/${PRACTICE_ID}/patients/7`, credential),
				]),
			);
			const { status, json, text } = await callWebhook(n8n.url, path, {});
			expect({ status, text }).toEqual({ status: 200, text: expect.any(String) });
			// athena answers one patient as a one-element list; the node makes it one item.
			expect(json).toEqual(expect.objectContaining({ patientid: '7' }));
			const { requests } = await sandbox.stats();
			const call = requests.filter((r) => r.route === 'patients').at(-1);
			// The sandbox answers 401 without a valid Bearer token: 200 means our authenticate() ran.
			expect(call).toEqual(
				expect.objectContaining({ status: 200, clientId: SANDBOX_CLIENT.clientId }),
			);
		});
	});

	describe('patient cases', () => {
		const createPath = 'e2e-create-case';
		const updatePath = 'e2e-update-case';
		let createWorkflowId: string;
		let updateWorkflowId: string;

		beforeAll(async () => {
			createWorkflowId = await createActive(
				n8n.api,
				createCaseWorkflow('e2e create patient case', createPath, credential, {
					internalNote: '={{ $json.body.note }}',
					callbackNumber: '={{ $json.body.phone }}',
					priority: '1',
				}),
			);
			updateWorkflowId = await createActive(
				n8n.api,
				updateCaseWorkflow('e2e update patient case', updatePath, credential, {
					priority: '2',
					callbackName: 'Sam Rivera',
				}),
			);
		});

		let caseId: number;

		it('creates a patient case that the sandbox holds with the fields sent', async () => {
			const before = new Set((await sandbox.cases()).map((c) => c.patientcaseid));
			const sent = {
				patientId: '12',
				departmentId: '3',
				providerId: '4',
				subject: 'Refill request: lisinopril',
				note: 'Patient called: out of lisinopril 10 mg,\nasks for a refill at the usual pharmacy.',
				phone: '617-555-0142',
			};
			const { status, json, text } = await callWebhook(n8n.url, createPath, sent);
			expect({ status, text }).toEqual({ status: 200, text: expect.any(String) });
			expect(json.success).toBe(true);
			caseId = Number(json.patientcaseid);
			expect(Number.isInteger(caseId)).toBe(true);
			expect(before.has(caseId)).toBe(false);

			const stored = (await sandbox.cases()).find((c) => c.patientcaseid === caseId);
			expect(stored).toEqual(
				expect.objectContaining({
					patientid: '12',
					departmentid: '3',
					providerid: '4',
					documentsource: 'PATIENT',
					documentsubclass: 'PATIENTCASE',
					subject: sent.subject,
					internalnote: sent.note,
					callbacknumber: sent.phone,
					priority: '1',
					status: 'REVIEW',
					createduser: expect.stringMatching(/^API-\d+$/),
					createdvia: 'API',
					creatorclientid: SANDBOX_CLIENT.clientId,
				}),
			);
			// n8n recorded the run as a successful production execution.
			const executions = await executionsOf(n8n.api, createWorkflowId);
			expect(executions.at(-1)).toEqual(
				expect.objectContaining({ status: 'success', mode: 'webhook' }),
			);
			const [output] = await nodeOutput(n8n.api, executions.at(-1)!.id, 'Create Patient Case');
			expect(Number(output.patientcaseid)).toBe(caseId);
		});

		it('updates that patient case: the fields sent change, the others stay', async () => {
			const { status, json, text } = await callWebhook(n8n.url, updatePath, {
				patientId: '12',
				patientCaseId: String(caseId),
				subject: 'Refill request: lisinopril (pharmacy changed)',
			});
			expect({ status, text }).toEqual({ status: 200, text: expect.any(String) });
			expect(json).toEqual(expect.objectContaining({ success: true }));

			const stored = (await sandbox.cases()).find((c) => c.patientcaseid === caseId);
			expect(stored).toEqual(
				expect.objectContaining({
					subject: 'Refill request: lisinopril (pharmacy changed)',
					priority: '2',
					callbackname: 'Sam Rivera',
					// Not sent in the update: unchanged.
					internalnote:
						'Patient called: out of lisinopril 10 mg,\nasks for a refill at the usual pharmacy.',
					callbacknumber: '617-555-0142',
					providerid: '4',
					departmentid: '3',
					status: 'REVIEW',
				}),
			);
		});

		it('assigns that case, adds a multi-line action note and reads the notes back, in one workflow', async () => {
			const path = 'e2e-assign-and-notes';
			const workflowId = await createActive(
				n8n.api,
				chain('e2e assign and action notes', [
					webhookNode(path),
					athenaNode(
						'Assign',
						{
							resource: 'patientCase',
							operation: 'assign',
							patientId: '={{ $json.body.patientId }}',
							patientCaseId: '={{ $json.body.patientCaseId }}',
							username: '={{ $json.body.username }}',
						},
						credential,
					),
					athenaNode(
						'Add Action Note',
						{
							resource: 'patientCase',
							operation: 'addActionNote',
							patientCaseId: "={{ $('Webhook').item.json.body.patientCaseId }}",
							actionNote: "={{ $('Webhook').item.json.body.note }}",
						},
						credential,
					),
					athenaNode(
						'Get Action Notes',
						{
							resource: 'patientCase',
							operation: 'getActionNotes',
							patientCaseId: "={{ $('Webhook').item.json.body.patientCaseId }}",
							returnAll: true,
						},
						credential,
					),
				]),
			);
			const note = 'Called the patient back:\npharmacy confirmed the refill.';
			const { status, json, text } = await callWebhook(n8n.url, path, {
				patientId: '12',
				patientCaseId: String(caseId),
				username: 'mnurse2',
				note,
			});
			expect({ status, text }).toEqual({ status: 200, text: expect.any(String) });
			// The webhook answers with the last node's first item: the note just written.
			expect(json).toEqual(
				expect.objectContaining({
					actionnote: note,
					patientcaseid: caseId,
					createdby: expect.stringMatching(/^API-\d+$/),
				}),
			);

			const stored = (await sandbox.cases()).find((c) => c.patientcaseid === caseId);
			expect(stored).toEqual(expect.objectContaining({ assignedto: 'mnurse2', actionnote: note }));
			const executions = await executionsOf(n8n.api, workflowId);
			expect(executions.at(-1)).toEqual(
				expect.objectContaining({ status: 'success', mode: 'webhook' }),
			);
			const [assigned] = await nodeOutput(n8n.api, executions.at(-1)!.id, 'Assign');
			expect(assigned).toEqual(
				expect.objectContaining({ success: true, assignedto: 'mnurse2', patientcaseid: caseId }),
			);
			const notes = await nodeOutput(n8n.api, executions.at(-1)!.id, 'Get Action Notes');
			expect(notes.map((entry) => entry.actionnote)).toEqual([note]);
		});

		it('fails the execution when athena refuses the user name (case-sensitive), and assigns nothing', async () => {
			const path = 'e2e-assign-wrong-case';
			const workflowId = await createActive(
				n8n.api,
				chain('e2e assign wrong case', [
					webhookNode(path),
					athenaNode(
						'Assign',
						{
							resource: 'patientCase',
							operation: 'assign',
							patientId: '12',
							patientCaseId: String(caseId),
							username: 'JFrontDesk',
						},
						credential,
					),
				]),
			);
			const { status } = await callWebhook(n8n.url, path, {});
			expect(status).toBeGreaterThanOrEqual(400);
			expect((await sandbox.cases()).find((c) => c.patientcaseid === caseId)?.assignedto).toBe(
				'mnurse2',
			);
			expect((await executionsOf(n8n.api, workflowId)).at(-1)?.status).toBe('error');
		});

		it('fails the execution, and changes nothing, when athena refuses the update (a case created by another client)', async () => {
			const other = (await sandbox.cases()).find(
				(c) => c.creatorclientid && c.creatorclientid !== SANDBOX_CLIENT.clientId,
			);
			expect(other).toBeDefined();
			const { status } = await callWebhook(n8n.url, updatePath, {
				patientId: other!.patientid,
				patientCaseId: String(other!.patientcaseid),
				subject: 'should not be written',
			});
			expect(status).toBeGreaterThanOrEqual(400);
			const after = (await sandbox.cases()).find((c) => c.patientcaseid === other!.patientcaseid);
			expect(after).toEqual(other);
			const executions = await executionsOf(n8n.api, updateWorkflowId);
			expect(executions.at(-1)?.status).toBe('error');
		});
	});

	describe('subscriptions', () => {
		const feed = 'appointments';

		it('subscribes to a feed and reads its status back', async () => {
			const path = 'e2e-subscribe';
			await createActive(
				n8n.api,
				chain('e2e subscribe', [
					webhookNode(path),
					athenaNode(
						'Subscribe',
						{
							resource: 'subscription',
							operation: 'subscribe',
							feed,
							scope: 'all',
							departmentIds: ['2', '5'],
						},
						credential,
					),
					athenaNode(
						'Get Status',
						{ resource: 'subscription', operation: 'getStatus', feed },
						credential,
					),
				]),
			);
			expect((await sandbox.queues()).filter((q) => q.feed === feed)).toEqual([]);

			const { status, json, text } = await callWebhook(n8n.url, path, {});
			expect({ status, text }).toEqual({ status: 200, text: expect.any(String) });
			expect(json).toEqual(
				expect.objectContaining({ feed, status: 'ACTIVE', departmentIds: [2, 5] }),
			);
			expect(json.events.length).toBeGreaterThan(0);
			expect(await sandbox.queues()).toContainEqual(
				expect.objectContaining({ clientId: SANDBOX_CLIENT.clientId, feed, status: 'ACTIVE' }),
			);
		});

		it('unsubscribes from the feed', async () => {
			const path = 'e2e-unsubscribe';
			await createActive(
				n8n.api,
				chain('e2e unsubscribe', [
					webhookNode(path),
					athenaNode(
						'Unsubscribe',
						{ resource: 'subscription', operation: 'unsubscribe', feed, scope: 'all' },
						credential,
					),
					athenaNode(
						'Get Status',
						{ resource: 'subscription', operation: 'getStatus', feed },
						credential,
					),
				]),
			);
			const { status, json, text } = await callWebhook(n8n.url, path, {});
			expect({ status, text }).toEqual({ status: 200, text: expect.any(String) });
			expect(json).toEqual(expect.objectContaining({ feed, status: 'INACTIVE', events: [] }));
			expect((await sandbox.queues()).filter((q) => q.feed === feed)).toEqual([]);
		});
	});

	it('logged no package load errors', () => {
		expect(n8n.logs()).not.toMatch(/Failed to load package|Error loading package/i);
	});
});
