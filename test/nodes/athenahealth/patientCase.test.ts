import { NodeApiError, NodeOperationError, type INodeParameters } from 'n8n-workflow';

import { VALID } from '../../harness/parameters';
import { DEMO_CLIENT, SEED_CASES, SEED_CASES_PATIENT_ID } from '../../sandbox';
import { apiRequests, everythingShown, failure, run, useSandbox } from './helpers';

const ctx = useSandbox();

const NOTE = 'Patient reports dizziness since Tuesday; asks whether to stop lisinopril.';

const createParameters = { ...VALID.create, documentSource: 'PHARMACY' };

async function createCase(additionalFields: INodeParameters = {}) {
	const [item] = await run(ctx, { ...createParameters, additionalFields });
	return item.json.patientcaseid as number;
}

describe('Patient Case: Create', () => {
	test("creates one case per item and returns athena's answer with typed ids", async () => {
		const output = await run(ctx, {
			...createParameters,
			additionalFields: {
				subject: 'Refill question',
				internalNote: NOTE,
				priority: '1',
				callbackName: 'Dana Smith',
				callbackNumber: '617-555-0100',
				clinicalProviderId: '7',
				outboundOnly: true,
			},
		});
		expect(output).toEqual([
			{ json: { success: true, patientid: 12, patientcaseid: 173696 }, pairedItem: { item: 0 } },
		]);

		const stored = ctx.sandbox.state.cases.get(173696)!;
		expect(stored).toMatchObject({
			patientid: '12',
			departmentid: '3',
			providerid: '4',
			documentsource: 'PHARMACY',
			documentsubclass: 'PATIENTCASE',
			subject: 'Refill question',
			internalnote: NOTE,
			priority: '1',
			callbackname: 'Dana Smith',
			callbacknumber: '617-555-0100',
			clinicalproviderid: '7',
			outboundonly: true,
			status: 'REVIEW',
			createduser: 'API-15476',
		});
		expect(stored.callbacknumbertype).toBeUndefined();
	});

	test('a note keeps its line breaks and tabs (the only control characters a note may hold)', async () => {
		const note = 'Line one\r\nLine two\n\tindented';
		const id = await createCase({ internalNote: note });
		expect(ctx.sandbox.state.cases.get(id)).toMatchObject({ internalnote: note });
	});

	test('auto close files the case closed; a callback number type is sent, lower-case, when no number is', async () => {
		const id = await createCase({ autoClose: true, callbackNumberType: 'emergency contact' });
		expect(ctx.sandbox.state.cases.get(id)).toMatchObject({
			status: 'CLOSED',
			callbacknumbertype: 'emergency contact',
		});
	});

	test('every source athena lists is sent as is, Live Operator included; a subclass is stored prefixed', async () => {
		const [item] = await run(ctx, {
			...createParameters,
			documentSource: 'Live Operator',
			documentSubclass: 'REFILL',
		});
		expect(ctx.sandbox.state.cases.get(item.json.patientcaseid as number)).toMatchObject({
			documentsource: 'Live Operator',
			documentsubclass: 'PATIENTCASE_REFILL',
		});
	});

	test('a callback number type left at its default sends nothing', async () => {
		const [item] = await run(ctx, {
			...createParameters,
			additionalFields: { callbackNumberType: '' },
		});
		expect(
			ctx.sandbox.state.cases.get(item.json.patientcaseid as number)!.callbacknumbertype,
		).toBeUndefined();
	});

	test('several items: one case each, paired with its item, one token for all', async () => {
		const output = await run(
			ctx,
			{
				...createParameters,
				patientId: '={{ $json.patient }}',
				additionalFields: { subject: '={{ $json.subject }}' },
			},
			[20, 21, 22, 23, 24].map((patient) => ({ json: { patient, subject: `Call ${patient}` } })),
		);
		expect(output.map((item) => item.pairedItem)).toEqual(
			[0, 1, 2, 3, 4].map((item) => ({ item })),
		);
		expect(output.map((item) => item.json.patientid)).toEqual([20, 21, 22, 23, 24]);
		const ids = output.map((item) => item.json.patientcaseid as number);
		expect(new Set(ids).size).toBe(5);
		expect(ids.map((id) => ctx.sandbox.state.cases.get(id)!.subject)).toEqual([
			'Call 20',
			'Call 21',
			'Call 22',
			'Call 23',
			'Call 24',
		]);
		expect(ctx.credentials.tokenFetches).toBe(1);
		expect(apiRequests(ctx.sandbox)).toBe(5);
	});

	test("athena refusing a department shows athena's message and details, not the note", async () => {
		const error = await failure(
			run(ctx, {
				...createParameters,
				departmentId: '999',
				additionalFields: { internalNote: NOTE },
			}),
		);
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.httpCode).toBe('400');
		expect(error.message).toBe('The data provided is invalid.');
		expect(error.description).toBe("The value '999' is not a valid DEPARTMENTID.");
		expect(error.context.itemIndex).toBe(0);
		expect(everythingShown(error)).not.toContain(NOTE);
		expect(everythingShown(error)).not.toContain(DEMO_CLIENT.secret);
	});

	test("an unknown patient is athena's 404", async () => {
		const error = await failure(run(ctx, { ...createParameters, patientId: '555' }));
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.httpCode).toBe('404');
		expect(error.message).toBe('The patient ID is invalid.');
	});

	test('a source in the wrong case is refused before athena is asked, naming the exact values', async () => {
		const error = await failure(run(ctx, { ...createParameters, documentSource: 'patient' }));
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toBe(
			'Source must be exactly one of PATIENT, CAREGIVER, PARTNER, PHARMACY, LAB, PCP, SPECIALIST, STAFF, HOSPITAL, OTHER, PORTAL, Live Operator [item 0]',
		);
		expect(allRequestsSoFar()).toBe(0);
	});
});

function allRequestsSoFar() {
	return ctx.sandbox.stats().requests.length;
}

describe('Patient Case: Update', () => {
	test('changes only the fields sent', async () => {
		const id = await createCase({
			subject: 'Before',
			internalNote: 'Original note',
			priority: '2',
		});
		const output = await run(ctx, {
			resource: 'patientCase',
			operation: 'update',
			patientId: '12',
			patientCaseId: String(id),
			updateFields: { internalNote: NOTE, priority: '1', providerId: '9' },
		});
		expect(output).toEqual([
			{ json: { success: true, patientid: 12, patientcaseid: id }, pairedItem: { item: 0 } },
		]);
		expect(ctx.sandbox.state.cases.get(id)).toMatchObject({
			subject: 'Before',
			internalnote: NOTE,
			priority: '1',
			providerid: '9',
			documentsource: 'PHARMACY',
			departmentid: '3',
		});
	});

	test('an update with no field to change is refused without a request', async () => {
		const error = await failure(
			run(ctx, {
				resource: 'patientCase',
				operation: 'update',
				patientId: '12',
				patientCaseId: '173696',
				updateFields: {},
			}),
		);
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toBe('Update Fields must contain at least one field to change [item 0]');
		expect(allRequestsSoFar()).toBe(0);
	});

	/** [what, case, the message shown, what the description holds, athena's words kept]. */
	const refusals: Array<[string, number, string, string, string]> = [
		[
			'a case created in athenaNet by a user',
			SEED_CASES.byAthenaNetUser,
			'This patient case was created in athenaNet by a user, not through the API: athena lets an API client change only cases created through the API',
			'athena said:',
			'This patient case was not created through the API and cannot be updated.',
		],
		[
			// Which API user this credential is cannot be known: the creator and the rule, never "another API client".
			'a case created through the API by another API user',
			SEED_CASES.byOtherClient,
			'This patient case was created by another API user and cannot be updated.',
			'This patient case was created through the API by API-10536; athena lets an API user change only the cases it created itself.',
			'Only patient cases created through the API by the same API user can be updated.',
		],
		[
			'a closed case',
			SEED_CASES.closed,
			'A closed patient case cannot be updated.',
			'This patient case is CLOSED: athena does not let a closed case be updated. Reopen it first.',
			`Patient case ${SEED_CASES.closed} is CLOSED.`,
		],
		[
			'a deleted case',
			SEED_CASES.deleted,
			'A deleted patient case cannot be updated.',
			'This patient case is DELETED: athena does not let a deleted case be updated.',
			`Patient case ${SEED_CASES.deleted} is DELETED.`,
		],
	];

	test.each(refusals)(
		"refusing %s explains it from the case and keeps athena's words",
		async (_what, caseId, message, explained, athena) => {
			const error = await failure(
				run(ctx, {
					resource: 'patientCase',
					operation: 'update',
					patientId: SEED_CASES_PATIENT_ID,
					patientCaseId: String(caseId),
					updateFields: { internalNote: NOTE, subject: 'Follow-up needed' },
				}),
			);
			expect(error).toBeInstanceOf(NodeApiError);
			expect(error.message).toBe(message);
			expect(error.description).toContain(explained);
			expect(error.description).toContain(athena);
			expect(everythingShown(error)).not.toMatch(/another API client/);
			expect(error.context.itemIndex).toBe(0);
			expect(everythingShown(error)).not.toContain(NOTE);
			expect(everythingShown(error)).not.toContain('Follow-up needed');
			// The refused PUT, then the GET that explains it.
			expect(
				ctx.sandbox
					.stats()
					.requests.filter((entry) => entry.route === 'patientcase')
					.map((entry) => `${entry.method} ${entry.status}`),
			).toEqual([
				`PUT ${caseId === SEED_CASES.closed || caseId === SEED_CASES.deleted ? 400 : 403}`,
				'GET 200',
			]);
			expect(ctx.sandbox.state.cases.get(caseId)!.internalnote).not.toBe(NOTE);
		},
	);

	test("a value athena refuses on an open case of ours keeps athena's own words", async () => {
		const id = await createCase();
		const error = await failure(
			run(ctx, {
				resource: 'patientCase',
				operation: 'update',
				patientId: '12',
				patientCaseId: String(id),
				updateFields: { providerId: '99' },
			}),
		);
		expect(error.message).toBe('The data provided is invalid.');
		expect(error.description).toBe("The value '99' is not a valid PROVIDERID.");
		expect(ctx.sandbox.state.cases.get(id)!.providerid).toBe('4');
	});

	test("a case that does not exist is athena's 404, unexplained", async () => {
		const error = await failure(
			run(ctx, {
				resource: 'patientCase',
				operation: 'update',
				patientId: '12',
				patientCaseId: '999999',
				updateFields: { subject: 'x' },
			}),
		);
		expect(error.httpCode).toBe('404');
		expect(error.message).toBe('The patient case ID is invalid.');
	});
});

describe('Patient Case: Get and Get Many', () => {
	test("get unwraps athena's one-case array: athena's fields, ids as numbers, ISO datetimes", async () => {
		const [item] = await run(ctx, {
			resource: 'patientCase',
			operation: 'get',
			patientId: SEED_CASES_PATIENT_ID,
			patientCaseId: String(SEED_CASES.closed),
		});
		expect(item.pairedItem).toEqual({ item: 0 });
		expect(item.json).toMatchObject({
			patientcaseid: SEED_CASES.closed,
			patientid: 1,
			departmentid: 1,
			providerid: 3,
			status: 'CLOSED',
			documentsource: 'LAB',
			documentsubclass: 'PATIENTCASE_OTHER',
			subject: 'Lab called with a result',
			documentclass: 'PATIENTCASE',
			createduser: 'API-15476',
		});
		expect(item.json.createddatetime).toMatch(
			/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[-+]\d{2}:\d{2}$/,
		);
	});

	test("get of a case of another patient is athena's 404", async () => {
		const error = await failure(
			run(ctx, {
				resource: 'patientCase',
				operation: 'get',
				patientId: '2',
				patientCaseId: String(SEED_CASES.closed),
			}),
		);
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.httpCode).toBe('404');
	});

	const list = (extra: Record<string, unknown> = {}) =>
		run(ctx, {
			resource: 'patientCase',
			operation: 'getMany',
			patientId: SEED_CASES_PATIENT_ID,
			departmentId: '1',
			returnAll: true,
			...extra,
		});

	test("get many lists a patient's cases, one item each, deleted ones left out", async () => {
		const output = await list();
		expect(output.map((item) => item.json.patientcaseid)).toEqual([
			SEED_CASES.byAthenaNetUser,
			SEED_CASES.byOtherClient,
			SEED_CASES.closed,
		]);
		expect(
			output.every((item) => item.pairedItem && (item.pairedItem as { item: number }).item === 0),
		).toBe(true);
		const sent = ctx.sandbox.stats().requests.find((entry) => entry.route === 'patientcase')!;
		expect(sent.path).toBe('/v1/195900/patients/1/documents/patientcase?departmentid&limit&offset');
	});

	test('filters by status and subclass; DELETED shows deleted cases', async () => {
		const ids = async (filters: Record<string, string>) =>
			(await list({ filters })).map((item) => item.json.patientcaseid);
		expect(await ids({ status: 'CLOSED' })).toEqual([SEED_CASES.closed]);
		expect(await ids({ status: 'DELETED' })).toEqual([SEED_CASES.deleted]);
		expect(await ids({ status: 'FOLLOWUP' })).toEqual([SEED_CASES.byOtherClient]);
		// Open Only: every case neither CLOSED nor DELETED, whatever its workflow state.
		expect(await ids({ status: 'open' })).toEqual([
			SEED_CASES.byAthenaNetUser,
			SEED_CASES.byOtherClient,
		]);
		// The sent form and the stored form of a subclass match the same cases.
		expect(await ids({ documentSubclass: 'REFILL' })).toEqual([SEED_CASES.byOtherClient]);
		expect(await ids({ documentSubclass: 'PATIENTCASE_REFILL' })).toEqual([
			SEED_CASES.byOtherClient,
		]);
		expect(await ids({ documentSubclass: 'NEWRX' })).toEqual([]);
		// Open Only and the subclass are never sent: athena has no open status, and its subclass filter form is unconfirmed.
		const sent = ctx.sandbox
			.stats()
			.requests.filter((entry) => entry.route === 'patientcase')
			.map((entry) => entry.path);
		expect(sent.slice(3)).toEqual(
			Array(4).fill('/v1/195900/patients/1/documents/patientcase?departmentid&limit&offset'),
		);
	});

	test('a limit returns at most that many', async () => {
		const output = await list({ returnAll: false, limit: 2 });
		expect(output).toHaveLength(2);
	});

	test("several patients in one run keep each case paired with its patient's item", async () => {
		await run(ctx, { ...createParameters, patientId: '30' });
		const output = await run(
			ctx,
			{
				resource: 'patientCase',
				operation: 'getMany',
				patientId: '={{ $json.patient }}',
				departmentId: '1',
				returnAll: true,
			},
			[{ json: { patient: 30 } }, { json: { patient: 1 } }, { json: { patient: 31 } }],
		);
		expect(output.map((item) => [item.pairedItem, item.json.patientid])).toEqual([
			[{ item: 0 }, 30],
			[{ item: 1 }, 1],
			[{ item: 1 }, 1],
			[{ item: 1 }, 1],
		]);
	});

	test('athena requires a real department', async () => {
		const error = await failure(list({ departmentId: '77' }));
		expect(error.message).toBe('The data provided is invalid.');
		expect(error.description).toBe("The value '77' is not a valid DEPARTMENTID.");
	});
});

describe('Patient Case: Close and Reopen', () => {
	test('close sends the reason alone and writes the note as an action note; reopen reads REVIEW', async () => {
		const id = await createCase();
		const closed = await run(ctx, {
			resource: 'patientCase',
			operation: 'close',
			patientId: '12',
			patientCaseId: String(id),
			closeReasonId: '3',
			note: NOTE,
		});
		expect(closed).toEqual([
			{
				json: {
					success: true,
					patientid: 12,
					patientcaseid: id,
					actionNoteWritten: true,
					versiontoken: '1',
				},
				pairedItem: { item: 0 },
			},
		]);
		const stored = ctx.sandbox.state.cases.get(id)!;
		expect(stored).toMatchObject({ status: 'CLOSED', closeReasonId: 3 });
		expect(stored.actionNotes.map((note) => note.actionnote)).toEqual([NOTE]);
		expect(
			ctx.sandbox
				.stats()
				.requests.filter((entry) => entry.route === 'patientcase')
				.map((entry) => `${entry.method} ${entry.path}`),
		).toEqual([
			'POST /v1/195900/patients/12/documents/patientcase',
			`PUT /v1/195900/patients/12/documents/patientcase/${id}/close`,
			`POST /v1/195900/documents/patientcase/${id}/actions`,
		]);

		const reopened = await run(ctx, {
			resource: 'patientCase',
			operation: 'reopen',
			patientId: '12',
			patientCaseId: String(id),
		});
		expect(reopened[0].json).toEqual({ success: true, patientid: 12, patientcaseid: id });
		expect(ctx.sandbox.state.cases.get(id)!.status).toBe('REVIEW');
	});

	test('a close without a note writes no action note', async () => {
		const id = await createCase();
		await run(ctx, {
			resource: 'patientCase',
			operation: 'close',
			patientId: '12',
			patientCaseId: String(id),
			closeReasonId: '1',
		});
		expect(ctx.sandbox.state.cases.get(id)!.actionNotes).toEqual([]);
	});

	test('closing a closed case and reopening an open one say so plainly', async () => {
		const closeAgain = await failure(
			run(ctx, {
				resource: 'patientCase',
				operation: 'close',
				patientId: SEED_CASES_PATIENT_ID,
				patientCaseId: String(SEED_CASES.closed),
				closeReasonId: '1',
				note: NOTE,
			}),
		);
		expect(closeAgain.message).toBe('The patient case is already closed.');
		expect(closeAgain.description).toContain(
			'This patient case is already closed (it reads CLOSED).',
		);
		expect(everythingShown(closeAgain)).not.toContain(NOTE);
		// The close failed: the note was not written either.
		expect(ctx.sandbox.state.cases.get(SEED_CASES.closed)!.actionNotes).toEqual([]);

		const reopenOpen = await failure(
			run(ctx, {
				resource: 'patientCase',
				operation: 'reopen',
				patientId: SEED_CASES_PATIENT_ID,
				patientCaseId: String(SEED_CASES.byOtherClient),
			}),
		);
		expect(reopenOpen.message).toBe('The patient case is already open.');
		// The real state: FOLLOWUP is open too.
		expect(reopenOpen.description).toContain(
			'This patient case is open (it reads FOLLOWUP): there is nothing to reopen.',
		);

		const closeDeleted = await failure(
			run(ctx, {
				resource: 'patientCase',
				operation: 'close',
				patientId: SEED_CASES_PATIENT_ID,
				patientCaseId: String(SEED_CASES.deleted),
				closeReasonId: '1',
			}),
		);
		expect(closeDeleted.message).toBe('A deleted patient case cannot be closed.');
		expect(closeDeleted.description).toContain(
			'This patient case is DELETED: athena does not let a deleted case be closed.',
		);
	});

	test("an unknown close reason is athena's refusal", async () => {
		const id = await createCase();
		const error = await failure(
			run(ctx, {
				resource: 'patientCase',
				operation: 'close',
				patientId: '12',
				patientCaseId: String(id),
				closeReasonId: '42',
			}),
		);
		expect(error.message).toBe('The data provided is invalid.');
		expect(error.description).toBe("The value '42' is not a valid ACTIONREASONID.");
		expect(ctx.sandbox.state.cases.get(id)!.status).toBe('REVIEW');
	});
});
