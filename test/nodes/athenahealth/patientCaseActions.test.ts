import { NodeApiError, type INodeParameters } from 'n8n-workflow';

import { VALID } from '../../harness/parameters';
import { SEED_CASES, SEED_CASES_PATIENT_ID } from '../../sandbox';
import { everythingShown, failure, run, useSandbox, type TestContext } from './helpers';

const ctx = useSandbox();

const NOTE = 'Spoke with the patient:\nstill dizzy in the mornings,\nwill come in Thursday.';

async function createCase(context: TestContext, additionalFields: INodeParameters = {}) {
	const [item] = await run(context, { ...VALID.create, additionalFields });
	return item.json.patientcaseid as number;
}

describe('Patient Case: Assign', () => {
	test('assigns the case to the athenaNet user named, exactly as written', async () => {
		const id = await createCase(ctx);
		const output = await run(ctx, {
			...VALID.assign,
			patientCaseId: String(id),
			username: 'mnurse2',
		});
		expect(output).toEqual([
			{
				json: { success: true, patientid: 12, patientcaseid: id, assignedto: 'mnurse2' },
				pairedItem: { item: 0 },
			},
		]);
		expect(ctx.sandbox.state.cases.get(id)!.assignedto).toBe('mnurse2');
		const [sent] = ctx.sandbox.stats().requests.filter((entry) => entry.method === 'PUT');
		expect(sent.path).toBe(`/v1/195900/patients/12/documents/patientcase/${id}/assign`);
	});

	test('a user name is case-sensitive and never trimmed: athena refuses another spelling in its own words', async () => {
		const id = await createCase(ctx);
		for (const username of ['MNurse2', ' mnurse2']) {
			const error = await failure(
				run(ctx, { ...VALID.assign, patientCaseId: String(id), username }),
			);
			expect(error).toBeInstanceOf(NodeApiError);
			expect(error.message).toBe('The data provided is invalid.');
			expect(error.description).toBe(`The value '${username}' is not a valid USERNAME.`);
		}
		expect(ctx.sandbox.state.cases.get(id)!.assignedto).toBeUndefined();
	});

	test('assigning a deleted case is explained from the case', async () => {
		const error = await failure(
			run(ctx, {
				...VALID.assign,
				patientId: SEED_CASES_PATIENT_ID,
				patientCaseId: String(SEED_CASES.deleted),
				username: 'mnurse2',
			}),
		);
		expect(error.message).toBe('A deleted patient case cannot be assigned.');
		expect(error.description).toContain(
			'This patient case is DELETED: athena does not let a deleted case be assigned.',
		);
	});
});

describe('Patient Case: Add Action Note and Get Action Notes', () => {
	test('a multi-line note is written to the case, under the case id alone', async () => {
		const id = await createCase(ctx);
		const output = await run(ctx, {
			...VALID.addActionNote,
			patientCaseId: String(id),
			actionNote: NOTE,
		});
		expect(output).toEqual([
			{ json: { success: true, patientcaseid: id, versiontoken: '1' }, pairedItem: { item: 0 } },
		]);
		expect(ctx.sandbox.state.cases.get(id)!.actionNotes.map((note) => note.actionnote)).toEqual([
			NOTE,
		]);
		const [sent] = ctx.sandbox
			.stats()
			.requests.filter((entry) => entry.method === 'POST' && entry.path.includes('/actions'));
		expect(sent.path).toBe(`/v1/195900/documents/patientcase/${id}/actions`);
	});

	test("athena's refusal of a note never shows the note", async () => {
		const error = await failure(
			run(ctx, { ...VALID.addActionNote, patientCaseId: '999999', actionNote: NOTE }),
		);
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.httpCode).toBe('404');
		expect(everythingShown(error)).not.toContain('still dizzy');
	});

	test('notes come back one item each, oldest first, with ids as numbers; a limit pages them', async () => {
		const id = await createCase(ctx);
		const notes = ['First call.', NOTE, 'Third call.'];
		await run(
			ctx,
			{ ...VALID.addActionNote, patientCaseId: String(id), actionNote: '={{ $json.note }}' },
			notes.map((note) => ({ json: { note } })),
		);
		const all = await run(ctx, {
			...VALID.getActionNotes,
			patientCaseId: String(id),
			returnAll: true,
		});
		expect(all.map((item) => item.json.actionnote)).toEqual(notes);
		expect(all[0].json).toMatchObject({
			patientcaseid: id,
			createdby: 'API-15476',
			status: 'REVIEW',
		});
		expect(all[0].json.createddatetime).toMatch(
			/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[-+]\d{2}:\d{2}$/,
		);
		const two = await run(ctx, {
			...VALID.getActionNotes,
			patientCaseId: String(id),
			returnAll: false,
			limit: 2,
		});
		expect(two.map((item) => item.json.actionnote)).toEqual(notes.slice(0, 2));
		const reads = ctx.sandbox
			.stats()
			.requests.filter((entry) => entry.method === 'GET' && entry.path.includes('/actions'));
		expect(reads.map((entry) => entry.path)).toEqual(
			Array(2).fill(`/v1/195900/documents/patientcase/${id}/actions?limit&offset`),
		);
	});

	test('a case without notes gives no items', async () => {
		const id = await createCase(ctx);
		expect(
			await run(ctx, { ...VALID.getActionNotes, patientCaseId: String(id), returnAll: true }),
		).toEqual([]);
	});
});

describe('saved workflows of earlier versions keep running', () => {
	test("callback number type HOME is sent as athena's home", async () => {
		const id = await createCase(ctx, { callbackNumberType: 'HOME' });
		expect(ctx.sandbox.state.cases.get(id)!.callbacknumbertype).toBe('home');
	});

	test('subclass PATIENTCALL is sent as the general PATIENTCASE', async () => {
		const [item] = await run(ctx, { ...VALID.create, documentSubclass: 'PATIENTCALL' });
		expect(ctx.sandbox.state.cases.get(item.json.patientcaseid as number)!.documentsubclass).toBe(
			'PATIENTCASE',
		);
	});

	test('status filter OPEN lists the open cases (neither CLOSED nor DELETED)', async () => {
		const output = await run(ctx, {
			resource: 'patientCase',
			operation: 'getMany',
			patientId: SEED_CASES_PATIENT_ID,
			departmentId: '1',
			returnAll: true,
			filters: { status: 'OPEN' },
		});
		expect(output.map((item) => item.json.patientcaseid)).toEqual([
			SEED_CASES.byAthenaNetUser,
			SEED_CASES.byOtherClient,
		]);
	});

	test('a close with the note parameter of the first version writes the note', async () => {
		const id = await createCase(ctx);
		await run(ctx, { ...VALID.close, patientCaseId: String(id), note: 'Closed after the call.' });
		expect(ctx.sandbox.state.cases.get(id)!.actionNotes.map((note) => note.actionnote)).toEqual([
			'Closed after the call.',
		]);
	});
});

describe("internal note on update: athena's guide says overwrite, its spec says append", () => {
	const update = (context: TestContext, id: number) =>
		run(context, {
			...VALID.update,
			patientCaseId: String(id),
			updateFields: { internalNote: 'Second note' },
		});

	test('the field says both', async () => {
		const { node } = await import('./helpers');
		const field = node.description.properties
			.filter((property) => property.name === 'updateFields')
			.flatMap(
				(property) => (property.options ?? []) as Array<{ name: string; description?: string }>,
			)
			.find((option) => option.name === 'internalNote');
		expect(field?.description).toMatch(/overwrites/);
		expect(field?.description).toMatch(/appended/);
	});

	test('overwrite (the sandbox default): the case holds the new note only', async () => {
		const id = await createCase(ctx, { internalNote: 'First note' });
		await update(ctx, id);
		expect(ctx.sandbox.state.cases.get(id)!.internalnote).toBe('Second note');
	});

	describe('append', () => {
		const appending = useSandbox({ patientCases: { internalNoteOnUpdate: 'append' } });
		test('the case holds both notes; the node reports the same success', async () => {
			const id = await createCase(appending, { internalNote: 'First note' });
			const output = await update(appending, id);
			expect(output[0].json).toEqual({ success: true, patientid: 12, patientcaseid: id });
			expect(appending.sandbox.state.cases.get(id)!.internalnote).toBe('First note\nSecond note');
		});
	});
});

describe('Get Many: athena may answer the list as a bare array', () => {
	const bare = useSandbox({ patientCases: { listShape: 'array' } });
	test('every case comes out all the same', async () => {
		const output = await run(bare, {
			resource: 'patientCase',
			operation: 'getMany',
			patientId: SEED_CASES_PATIENT_ID,
			departmentId: '1',
			returnAll: true,
		});
		expect(output.map((item) => item.json.patientcaseid)).toEqual([
			SEED_CASES.byAthenaNetUser,
			SEED_CASES.byOtherClient,
			SEED_CASES.closed,
		]);
	});
});
