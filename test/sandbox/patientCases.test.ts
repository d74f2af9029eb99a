import { changedPath, getFeed, subscriptionPath } from '../../nodes/Athenahealth/feeds/catalog';
import {
	CALLBACK_NUMBER_TYPES,
	DOCUMENT_SOURCES,
	INTERNAL_NOTE_MAX,
} from '../../nodes/Athenahealth/reference/patientCase';
import { MANY_TOKENS, useSandbox } from '../harness/sandbox';
import { FIRST_NEW_CASE_ID, SEED_CASES, SEED_CASES_PATIENT_ID, type SandboxOptions } from './index';

const t = useSandbox(MANY_TOKENS);
const EASTERN_STAMP = /^\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}:\d{2}$/;
const ISO_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[-+]\d{2}:\d{2}$/;
const CASES = `patients/${SEED_CASES_PATIENT_ID}/documents/patientcase`;
const required = {
	departmentid: 1,
	providerid: 1,
	documentsource: 'PATIENT',
	documentsubclass: 'PATIENTCASE',
};
const caseFeed = getFeed('documents/patientcase');
/** The recorded body of `create-patient-case-lowercase-source`, byte for byte. */
const RECORDED_ENUM_REFUSAL =
	'\n\n{"detailedmessage":"The value \'patient\' did not match any of the enum values for SOURCE","error":"The data provided is invalid."}';

async function createCase(
	extra: Record<string, string | number> = {},
	client = t.api,
): Promise<number> {
	const response = await client.post(CASES, { ...required, ...extra });
	expect(response.status).toBe(200);
	return response.body.patientcaseid as number;
}

/** GET of one case answers an array holding it. */
async function readCase(id: number, client = t.api) {
	const response = await client.get(`${CASES}/${id}`);
	expect(response.status).toBe(200);
	expect(Array.isArray(response.body)).toBe(true);
	expect(response.body).toHaveLength(1);
	return response.body[0];
}

describe('create', () => {
	test('answers success and a numeric id; the case reads back as athena shows it', async () => {
		const response = await t.api.post(CASES, {
			...required,
			subject: 'Refill',
			internalnote: 'Needs a refill',
			priority: '1',
			callbacknumber: '6175550100',
		});
		expect(response.status).toBe(200);
		expect(response.body).toEqual({ success: true, patientcaseid: FIRST_NEW_CASE_ID });
		expect(
			(await t.api.post(CASES, { ...required, documentsubclass: 'OTHER' })).body.patientcaseid,
		).toBe(FIRST_NEW_CASE_ID + 1);
		expect(await readCase(FIRST_NEW_CASE_ID)).toEqual({
			patientcaseid: String(FIRST_NEW_CASE_ID),
			patientid: '1',
			departmentid: '1',
			providerid: '1',
			documentclass: 'PATIENTCASE',
			documentsource: 'PATIENT',
			documentsubclass: 'PATIENTCASE',
			subject: 'Refill',
			internalnote: 'Needs a refill',
			priority: '1',
			callbacknumber: '6175550100',
			status: 'REVIEW',
			createduser: 'API-15476',
			lastmodifieduser: 'API-15476',
			createddatetime: '2025-01-15T10:00:00-05:00',
			lastmodifieddatetime: '2025-01-15T10:00:00-05:00',
		});
		// Subclasses are stored prefixed.
		expect((await readCase(FIRST_NEW_CASE_ID + 1)).documentsubclass).toBe('PATIENTCASE_OTHER');
		// Each client writes as its own API user; the number is not the client id.
		const other = await createCase({}, t.other);
		expect((await readCase(other)).createduser).toBe('API-10536');
		expect(t.sandbox.state.cases.get(FIRST_NEW_CASE_ID)).toMatchObject({
			createdvia: 'API',
			creatorClientId: 'sandbox-client',
		});
	});

	test('seeded cases carry athenaNet user names, ISO datetimes and stored subclasses', async () => {
		const byUser = await readCase(SEED_CASES.byAthenaNetUser);
		expect(byUser).toMatchObject({
			createduser: 'jfrontdesk',
			status: 'REVIEW',
			documentsubclass: 'PATIENTCASE_BILLING',
		});
		expect(byUser.createddatetime).toMatch(ISO_WITH_OFFSET);
		expect((await readCase(SEED_CASES.byOtherClient)).createduser).toMatch(/^API-\d+$/);
		expect(byUser).not.toHaveProperty('createdby');
	});

	test('every athena source is taken, Live Operator included', async () => {
		for (const source of DOCUMENT_SOURCES) await createCase({ documentsource: source });
		for (const type of CALLBACK_NUMBER_TYPES) await createCase({ callbacknumbertype: type });
	});

	test('lists every missing required field', async () => {
		const response = await t.api.post(CASES, { subject: 'x' });
		expect(response.status).toBe(400);
		// athena's shape: the field names and `error`, no detailedmessage.
		expect(response.body).toEqual({
			missingfields: ['departmentid', 'providerid', 'documentsource', 'documentsubclass'],
			error: 'Additional fields are required.',
		});
		const one = await t.api.post(CASES, { ...required, providerid: '' });
		expect(one.body.missingfields).toEqual(['providerid']);
	});

	test("enums are case-sensitive, refused with athena's exact message", async () => {
		const source = await t.api.post(CASES, { ...required, documentsource: 'patient' });
		expect([source.status, source.text]).toEqual([400, RECORDED_ENUM_REFUSAL]);
		const cases: Array<[Record<string, string>, string]> = [
			[
				{ documentsource: 'PROVIDER' },
				"The value 'PROVIDER' did not match any of the enum values for SOURCE",
			],
			[
				{ documentsubclass: 'patientcase' },
				"The value 'patientcase' did not match any of the enum values for SUBCLASS",
			],
			[
				{ documentsubclass: 'PATIENTCALL' },
				"The value 'PATIENTCALL' did not match any of the enum values for SUBCLASS",
			],
			[
				{ documentsubclass: 'PATIENTCASE_OTHER' },
				"The value 'PATIENTCASE_OTHER' did not match any of the enum values for SUBCLASS",
			],
			[
				{ callbacknumbertype: 'HOME' },
				"The value 'HOME' did not match any of the enum values for CALLBACKNUMBERTYPE",
			],
			[
				{ callbacknumbertype: 'OTHER' },
				"The value 'OTHER' did not match any of the enum values for CALLBACKNUMBERTYPE",
			],
			[{ priority: '3' }, "The value '3' did not match any of the enum values for PRIORITY"],
		];
		for (const [field, message] of cases) {
			const response = await t.api.post(CASES, { ...required, ...field });
			expect([response.status, response.body.detailedmessage]).toEqual([400, message]);
		}
		expect(t.sandbox.state.cases.size).toBe(4);
	});

	test(`internalnote holds at most ${INTERNAL_NOTE_MAX} characters and is never echoed`, async () => {
		await createCase({ internalnote: 'x'.repeat(INTERNAL_NOTE_MAX) });
		const note = `Patient reports chest pain ${'y'.repeat(INTERNAL_NOTE_MAX)}`;
		const response = await t.api.post(CASES, { ...required, internalnote: note });
		expect([response.status, response.body]).toEqual([
			400,
			{ invalidfields: ['internalnote'], error: 'The data provided is invalid.' },
		]);
		expect(response.text).not.toContain('chest pain');
	});

	test('callbacknumber and callbacknumbertype are mutually exclusive', async () => {
		const response = await t.api.post(CASES, {
			...required,
			callbacknumber: '6175550100',
			callbacknumbertype: 'mobile',
		});
		expect(response.status).toBe(400);
		expect(response.body.detailedmessage).toBe(
			'CALLBACKNUMBER and CALLBACKNUMBERTYPE cannot be sent together.',
		);
		await createCase({ callbacknumbertype: 'mobile', callbackname: 'Daughter' });
	});

	test('unknown patient, department, provider and clinical provider are refused', async () => {
		const patient = await t.api.post('patients/999/documents/patientcase', required);
		expect([patient.status, patient.body]).toEqual([
			404,
			{ error: 'The patient ID is invalid.', detailedmessage: 'Patient 999 does not exist.' },
		]);
		const fields: Array<[Record<string, string>, string]> = [
			[{ departmentid: '99' }, "The value '99' is not a valid DEPARTMENTID."],
			[{ providerid: '21' }, "The value '21' is not a valid PROVIDERID."],
			[{ clinicalproviderid: '0' }, "The value '0' is not a valid CLINICALPROVIDERID."],
			[{ outboundonly: 'yes' }, "The value 'yes' is not a valid boolean for OUTBOUNDONLY."],
		];
		for (const [field, message] of fields) {
			const response = await t.api.post(CASES, { ...required, ...field });
			expect([response.status, response.body]).toEqual([
				400,
				{ error: 'The data provided is invalid.', detailedmessage: message },
			]);
		}
	});

	test('autoclose creates the case closed; optional fields are kept', async () => {
		const id = await createCase({
			autoclose: 'true',
			outboundonly: 'true',
			clinicalproviderid: 4,
			callbackname: 'Mother',
		});
		expect(await readCase(id)).toMatchObject({
			status: 'CLOSED',
			outboundonly: true,
			clinicalproviderid: '4',
			callbackname: 'Mother',
		});
	});
});

describe('update', () => {
	test('changes only the fields sent, a sent field overwrites and an empty one clears', async () => {
		const id = await createCase({
			subject: 'Old subject',
			internalnote: 'First note',
			priority: '2',
			callbackname: 'Self',
		});
		t.sandbox.clock.advance(90_000);
		const response = await t.api.put(`${CASES}/${id}`, {
			internalnote: 'Replaced note',
			callbackname: '',
		});
		expect(response.body).toEqual({ success: true, patientcaseid: id });
		const read = await readCase(id);
		expect(read).toMatchObject({
			subject: 'Old subject',
			internalnote: 'Replaced note',
			priority: '2',
			lastmodifieddatetime: '2025-01-15T10:01:30-05:00',
		});
		expect(read).not.toHaveProperty('callbackname');
	});

	test('departmentid and autoclose cannot be updated', async () => {
		const id = await createCase();
		const response = await t.api.put(`${CASES}/${id}`, {
			departmentid: 2,
			autoclose: 'true',
			subject: 'x',
		});
		expect(response.status).toBe(400);
		expect(response.body).toEqual({
			invalidfields: ['departmentid', 'autoclose'],
			error: 'The data provided is invalid.',
		});
	});

	test('validates like create and needs at least one field', async () => {
		const id = await createCase();
		expect((await t.api.put(`${CASES}/${id}`, { documentsource: 'Lab' })).text).toBe(
			'\n\n{"detailedmessage":"The value \'Lab\' did not match any of the enum values for SOURCE","error":"The data provided is invalid."}',
		);
		expect((await t.api.put(`${CASES}/${id}`, { providerid: '' })).status).toBe(400);
		expect(
			(await t.api.put(`${CASES}/${id}`, { internalnote: 'z'.repeat(INTERNAL_NOTE_MAX + 1) })).body
				.invalidfields,
		).toEqual(['internalnote']);
		expect(
			(await t.api.put(`${CASES}/${id}`, { callbacknumber: '1', callbacknumbertype: 'home' }))
				.status,
		).toBe(400);
		expect((await t.api.put(`${CASES}/${id}`, {})).body).toEqual({
			error: 'Additional fields are required.',
			detailedmessage: 'Send at least one field to update.',
		});
	});

	test('a case created in athenaNet by a user is refused', async () => {
		const response = await t.api.put(`${CASES}/${SEED_CASES.byAthenaNetUser}`, { subject: 'x' });
		expect(response.status).toBe(403);
		expect(response.body).toEqual({
			error: 'This patient case was not created through the API and cannot be updated.',
			detailedmessage:
				'Only patient cases created through the API by the same API user can be updated.',
		});
	});

	test('a case created by another API user is refused, and that user may update it', async () => {
		const response = await t.api.put(`${CASES}/${SEED_CASES.byOtherClient}`, { subject: 'x' });
		expect(response.status).toBe(403);
		expect(response.body.error).toBe(
			'This patient case was created by another API user and cannot be updated.',
		);
		expect(
			(await t.other.put(`${CASES}/${SEED_CASES.byOtherClient}`, { subject: 'x' })).status,
		).toBe(200);
		const own = await createCase();
		expect((await t.other.put(`${CASES}/${own}`, { subject: 'x' })).status).toBe(403);
	});

	test('closed and deleted cases are refused', async () => {
		const closed = await t.api.put(`${CASES}/${SEED_CASES.closed}`, { subject: 'x' });
		expect([closed.status, closed.body]).toEqual([
			400,
			{
				error: 'A closed patient case cannot be updated.',
				detailedmessage: `Patient case ${SEED_CASES.closed} is CLOSED.`,
			},
		]);
		const deleted = await t.api.put(`${CASES}/${SEED_CASES.deleted}`, { subject: 'x' });
		expect([deleted.status, deleted.body]).toEqual([
			400,
			{
				error: 'A deleted patient case cannot be updated.',
				detailedmessage: `Patient case ${SEED_CASES.deleted} is DELETED.`,
			},
		]);
	});

	test("the patient in the path must be the case's patient", async () => {
		const id = await createCase();
		const response = await t.api.put(`patients/2/documents/patientcase/${id}`, { subject: 'x' });
		expect(response.status).toBe(404);
		expect(response.body).toEqual({
			error: 'The patient case ID is invalid.',
			detailedmessage: `Patient case ${id} does not exist for patient 2.`,
		});
		expect((await t.api.put(`${CASES}/1`, { subject: 'x' })).status).toBe(404);
	});
});

describe('get, list, close, reopen', () => {
	test('get: an array holding the case; unknown ids and other patients are 404', async () => {
		expect(await readCase(SEED_CASES.byAthenaNetUser)).toMatchObject({
			createduser: 'jfrontdesk',
			status: 'REVIEW',
		});
		expect((await t.api.get(`${CASES}/5`)).status).toBe(404);
		expect(
			(await t.api.get(`patients/2/documents/patientcase/${SEED_CASES.byAthenaNetUser}`)).status,
		).toBe(404);
	});

	test('list needs departmentid, hides deleted cases unless asked, filters and pages', async () => {
		expect((await t.api.get(CASES)).body).toEqual({
			missingfields: ['departmentid'],
			error: 'Additional fields are required.',
		});
		const id = await createCase({ documentsubclass: 'REFILL' });
		const list = await t.api.get(CASES, { departmentid: 1 });
		const ids = (response: typeof list) =>
			response.body.patientcases.map((shown: { patientcaseid: string }) =>
				Number(shown.patientcaseid),
			);
		expect(list.body.totalcount).toBe(4);
		expect(typeof list.body.patientcases[0].patientcaseid).toBe('string');
		expect(ids(list)).toEqual([
			SEED_CASES.byAthenaNetUser,
			SEED_CASES.byOtherClient,
			SEED_CASES.closed,
			id,
		]);
		expect(ids(await t.api.get(CASES, { departmentid: 1, showdeleted: true }))).toContain(
			SEED_CASES.deleted,
		);
		expect(ids(await t.api.get(CASES, { departmentid: 1, status: 'CLOSED' }))).toEqual([
			SEED_CASES.closed,
		]);
		expect(ids(await t.api.get(CASES, { departmentid: 1, status: 'FOLLOWUP' }))).toEqual([
			SEED_CASES.byOtherClient,
		]);
		// The default filter takes the sent form and matches the stored one.
		expect(ids(await t.api.get(CASES, { departmentid: 1, documentsubclass: 'REFILL' }))).toEqual([
			SEED_CASES.byOtherClient,
			id,
		]);
		const page = await t.api.get(CASES, { departmentid: 1, limit: 2, offset: 1 });
		expect([page.body.totalcount, ids(page)]).toEqual([
			4,
			[SEED_CASES.byOtherClient, SEED_CASES.closed],
		]);
		for (const status of ['open', 'OPEN']) {
			expect((await t.api.get(CASES, { departmentid: 1, status })).body.detailedmessage).toBe(
				`The value '${status}' did not match any of the enum values for STATUS`,
			);
		}
		expect(
			(await t.api.get('patients/2/documents/patientcase', { departmentid: 1 })).body.totalcount,
		).toBe(0);
	});

	test('close takes a reason of that case; reopen reads REVIEW; both refuse the wrong state', async () => {
		const id = await createCase();
		expect((await t.api.put(`${CASES}/${id}/close`)).body.missingfields).toEqual([
			'actionreasonid',
		]);
		expect(
			(await t.api.put(`${CASES}/${id}/close`, { actionreasonid: 99 })).body.detailedmessage,
		).toBe("The value '99' is not a valid ACTIONREASONID.");
		// Reason 6 belongs to prescription cases only.
		expect((await t.api.put(`${CASES}/${id}/close`, { actionreasonid: 6 })).status).toBe(400);
		expect((await t.api.put(`${CASES}/${id}/close`, { actionreasonid: 1 })).body).toEqual({
			success: true,
		});
		const closed = await readCase(id);
		expect(closed.status).toBe('CLOSED');
		expect(closed).not.toHaveProperty('closereasonid');
		const again = await t.api.put(`${CASES}/${id}/close`, { actionreasonid: 1 });
		expect([again.status, again.body.error]).toEqual([400, 'The patient case is already closed.']);
		expect((await t.api.put(`${CASES}/${id}/reopen`)).body).toEqual({ success: true });
		expect((await readCase(id)).status).toBe('REVIEW');
		const open = await t.api.put(`${CASES}/${id}/reopen`);
		expect([open.status, open.body.error]).toEqual([400, 'The patient case is already open.']);
		// Open means neither CLOSED nor DELETED: a FOLLOWUP case is open too.
		expect(
			(await t.api.put(`${CASES}/${SEED_CASES.byOtherClient}/reopen`)).body.detailedmessage,
		).toBe(`Patient case ${SEED_CASES.byOtherClient} is FOLLOWUP.`);
		const refill = await t.api.put(`${CASES}/${SEED_CASES.byOtherClient}/close`, {
			actionreasonid: 6,
		});
		expect(refill.body).toEqual({ success: true });
		expect(
			(await t.api.put(`${CASES}/${SEED_CASES.deleted}/close`, { actionreasonid: 1 })).body.error,
		).toBe('A deleted patient case cannot be closed.');
		expect((await t.api.put(`${CASES}/${SEED_CASES.deleted}/reopen`)).body.error).toBe(
			'A deleted patient case cannot be reopened.',
		);
	});

	test('close drops a field it does not define (actionnote) by default', async () => {
		const id = await createCase();
		expect(
			(await t.api.put(`${CASES}/${id}/close`, { actionreasonid: 1, actionnote: 'Done' })).body,
		).toEqual({ success: true });
		expect(await readCase(id)).not.toHaveProperty('actionnote');
	});
});

describe('assign and action notes', () => {
	test('assign takes an athenaNet user name, exactly as written', async () => {
		const id = await createCase();
		expect((await t.api.put(`${CASES}/${id}/assign`)).body).toEqual({
			missingfields: ['username'],
			error: 'Additional fields are required.',
		});
		const wrongCase = await t.api.put(`${CASES}/${id}/assign`, { username: 'MNurse2' });
		expect([wrongCase.status, wrongCase.body.detailedmessage]).toEqual([
			400,
			"The value 'MNurse2' is not a valid USERNAME.",
		]);
		expect((await t.api.put(`${CASES}/${id}/assign`, { username: ' mnurse2' })).status).toBe(400);
		expect((await t.api.put(`${CASES}/${id}/assign`, { username: 'mnurse2' })).body).toEqual({
			success: true,
			assignedto: 'mnurse2',
		});
		expect(await readCase(id)).toMatchObject({
			assignedto: 'mnurse2',
			lastmodifieduser: 'API-15476',
		});
		expect(
			(await t.api.put(`${CASES}/${SEED_CASES.deleted}/assign`, { username: 'mnurse2' })).status,
		).toBe(400);
	});

	test('action notes are written and listed under the case id alone, paged', async () => {
		const id = await createCase();
		const actions = `documents/patientcase/${id}/actions`;
		expect((await t.api.post(actions)).body).toEqual({
			missingfields: ['actionnote'],
			error: 'Additional fields are required.',
		});
		const first = await t.api.post(actions, { actionnote: 'Called back,\nno answer.' });
		expect(first.body).toEqual({ success: true, versiontoken: expect.any(String) });
		t.sandbox.clock.advance(60_000);
		await t.api.post(actions, { actionnote: 'Reached the patient.' });
		const notes = await t.api.get(actions);
		expect(notes.body).toEqual([
			{
				actionnote: 'Called back,\nno answer.',
				createdby: 'API-15476',
				createddatetime: '2025-01-15T10:00:00-05:00',
				status: 'REVIEW',
			},
			{
				actionnote: 'Reached the patient.',
				createdby: 'API-15476',
				createddatetime: '2025-01-15T10:01:00-05:00',
				status: 'REVIEW',
			},
		]);
		expect(
			(await t.api.get(actions, { limit: 1, offset: 1 })).body.map(
				(note: { actionnote: string }) => note.actionnote,
			),
		).toEqual(['Reached the patient.']);
		expect((await readCase(id)).actionnote).toBe('Reached the patient.');
		const long = await t.api.post(actions, { actionnote: `Chest pain ${'x'.repeat(4000)}` });
		expect([long.status, long.text.includes('Chest pain')]).toEqual([400, false]);
		expect((await t.api.get('documents/patientcase/999999/actions')).status).toBe(404);
	});
});

/** A sandbox with other switches, for the behaviours athena's sources leave open. */
function withBehaviour(
	patientCases: SandboxOptions['patientCases'],
	body: (s: ReturnType<typeof useSandbox>) => void,
) {
	describe(`with ${JSON.stringify(patientCases)}`, () =>
		body(useSandbox({ ...MANY_TOKENS, patientCases })));
}

withBehaviour({ internalNoteOnUpdate: 'append' }, (s) => {
	test('an update appends internalnote to the earlier note; other fields still overwrite', async () => {
		const id = (await s.api.post(CASES, { ...required, internalnote: 'First', subject: 'Old' }))
			.body.patientcaseid;
		await s.api.put(`${CASES}/${id}`, { internalnote: 'Second', subject: 'New' });
		expect((await s.api.get(`${CASES}/${id}`)).body[0]).toMatchObject({
			internalnote: 'First\nSecond',
			subject: 'New',
		});
	});
});

withBehaviour({ closeExtraFields: 'refuse', listShape: 'array', subclassFilter: 'stored' }, (s) => {
	test('close refuses actionnote; the list is a bare array; the subclass filter takes the stored form', async () => {
		const id = (await s.api.post(CASES, required)).body.patientcaseid;
		expect(
			(await s.api.put(`${CASES}/${id}/close`, { actionreasonid: 1, actionnote: 'Done' })).body,
		).toEqual({
			invalidfields: ['actionnote'],
			error: 'The data provided is invalid.',
		});
		const list = await s.api.get(CASES, { departmentid: 1 });
		expect(Array.isArray(list.body)).toBe(true);
		expect(
			(
				await s.api.get(CASES, { departmentid: 1, documentsubclass: 'PATIENTCASE_REFILL' })
			).body.map((c: { patientcaseid: string }) => c.patientcaseid),
		).toEqual([String(SEED_CASES.byOtherClient)]);
		expect((await s.api.get(CASES, { departmentid: 1, documentsubclass: 'REFILL' })).status).toBe(
			400,
		);
	});
});

describe('writes reach the patient-case feed', () => {
	test('create, update, close and reopen each enqueue a record with its event', async () => {
		await t.api.post(subscriptionPath(caseFeed));
		const id = await createCase({ internalnote: 'private body' });
		await t.api.put(`${CASES}/${id}`, { subject: 'Updated' });
		await t.api.put(`${CASES}/${id}/close`, { actionreasonid: 2 });
		await t.api.put(`${CASES}/${id}/reopen`);
		const queue = t.sandbox.state.queue('sandbox-client', caseFeed.id);
		expect(queue.map((message) => message.event)).toEqual([
			caseFeed.events[0],
			caseFeed.events[1],
			caseFeed.events[1],
			caseFeed.events[1],
		]);
		const read = await t.api.get(changedPath(caseFeed));
		expect(read.body.totalcount).toBe(4);
		const records = read.body[caseFeed.recordKey];
		expect(records.map((record: Record<string, unknown>) => record.status)).toEqual([
			'REVIEW',
			'REVIEW',
			'CLOSED',
			'REVIEW',
		]);
		for (const record of records) {
			expect(record[caseFeed.idField]).toBe(String(id));
			expect(record[caseFeed.modifiedField!]).toMatch(EASTERN_STAMP);
			expect(record).not.toHaveProperty('internalnote');
			expect(JSON.stringify(record)).not.toMatch(/PatientCase(Add|Update)|eventname|messageid/i);
		}
		// Failed writes enqueue nothing.
		await t.api.put(`${CASES}/${SEED_CASES.closed}`, { subject: 'x' });
		expect(t.sandbox.state.queue('sandbox-client', caseFeed.id)).toHaveLength(0);
	});

	test('event and department scopes of each client apply', async () => {
		await t.api.post(subscriptionPath(caseFeed), { eventname: caseFeed.events[1] });
		await t.other.post(subscriptionPath(caseFeed), { departmentids: '2' });
		const id = await createCase();
		await t.api.put(`${CASES}/${id}`, { subject: 'x' });
		await createCase({ departmentid: 2 });
		expect(
			t.sandbox.state.queue('sandbox-client', caseFeed.id).map((message) => message.event),
		).toEqual([caseFeed.events[1]]);
		// The patient-case feed takes no departmentids: athena ignores them, the whole practice is subscribed.
		expect(
			t.sandbox.state.queue('other-client', caseFeed.id).map((message) => message.departmentId),
		).toEqual(['1', '1', '2']);
	});
});
