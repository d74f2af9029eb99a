import { changedPath, getFeed, subscriptionPath } from '../../nodes/Athenahealth/feeds/catalog';
import { INTERNAL_NOTE_MAX } from '../../nodes/Athenahealth/reference/patientCase';
import { MANY_TOKENS, useSandbox } from '../harness/sandbox';
import { FIRST_NEW_CASE_ID, SEED_CASES, SEED_CASES_PATIENT_ID } from './index';

const t = useSandbox(MANY_TOKENS);
const EASTERN_STAMP = /^\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}:\d{2}$/;
const CASES = `patients/${SEED_CASES_PATIENT_ID}/documents/patientcase`;
const required = { departmentid: 1, providerid: 1, documentsource: 'PATIENT', documentsubclass: 'PATIENTCASE' };
const caseFeed = getFeed('documents/patientcase');

async function createCase(extra: Record<string, string | number> = {}): Promise<number> {
	const response = await t.api.post(CASES, { ...required, ...extra });
	expect(response.status).toBe(200);
	return response.body.patientcaseid as number;
}

describe('create', () => {
	test('answers success and a new id; the case reads back with Eastern timestamps and its creator', async () => {
		const response = await t.api.post(CASES, { ...required, subject: 'Refill', internalnote: 'Needs a refill', priority: '1', callbacknumber: '6175550100' });
		expect(response.status).toBe(200);
		expect(response.body).toEqual({ success: true, patientcaseid: FIRST_NEW_CASE_ID });
		expect((await t.api.post(CASES, required)).body.patientcaseid).toBe(FIRST_NEW_CASE_ID + 1);
		const read = await t.api.get(`${CASES}/${FIRST_NEW_CASE_ID}`);
		expect(read.body).toEqual({
			patientcaseid: FIRST_NEW_CASE_ID,
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
			status: 'OPEN',
			createddatetime: '01/15/2025 10:00:00',
			lastmodifieddatetime: '01/15/2025 10:00:00',
			createdby: 'API-sandbox-client',
		});
		expect(t.sandbox.state.cases.get(FIRST_NEW_CASE_ID)).toMatchObject({ createdvia: 'API', creatorClientId: 'sandbox-client' });
	});

	test('lists every missing required field', async () => {
		const response = await t.api.post(CASES, { subject: 'x' });
		expect(response.status).toBe(400);
		expect(response.body).toEqual({
			error: 'Additional fields are required.',
			detailedmessage: expect.any(String),
			missingfields: ['departmentid', 'providerid', 'documentsource', 'documentsubclass'],
		});
		const one = await t.api.post(CASES, { ...required, providerid: '' });
		expect(one.body.missingfields).toEqual(['providerid']);
	});

	test("enums are case-sensitive, refused with athena's exact message", async () => {
		const source = await t.api.post(CASES, { ...required, documentsource: 'patient' });
		expect(source.status).toBe(400);
		expect(source.body).toEqual({
			error: 'The data provided is invalid.',
			detailedmessage: "The value 'patient' did not match any of the enum values for SOURCE",
		});
		const cases: Array<[Record<string, string>, string]> = [
			[{ documentsubclass: 'patientcase' }, "The value 'patientcase' did not match any of the enum values for SUBCLASS"],
			[{ callbacknumbertype: 'mobile' }, "The value 'mobile' did not match any of the enum values for CALLBACKNUMBERTYPE"],
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
		expect(response.status).toBe(400);
		expect(response.body.error).toBe('The data provided is invalid.');
		expect(response.body.detailedmessage).toContain('INTERNALNOTE');
		expect(response.text).not.toContain('chest pain');
	});

	test('callbacknumber and callbacknumbertype are mutually exclusive', async () => {
		const response = await t.api.post(CASES, { ...required, callbacknumber: '6175550100', callbacknumbertype: 'MOBILE' });
		expect(response.status).toBe(400);
		expect(response.body.detailedmessage).toBe('CALLBACKNUMBER and CALLBACKNUMBERTYPE cannot be sent together.');
		await createCase({ callbacknumbertype: 'MOBILE', callbackname: 'Daughter' });
	});

	test('unknown patient, department, provider and clinical provider are refused', async () => {
		const patient = await t.api.post('patients/999/documents/patientcase', required);
		expect([patient.status, patient.body]).toEqual([404, { error: 'The patient ID is invalid.', detailedmessage: 'Patient 999 does not exist.' }]);
		const fields: Array<[Record<string, string>, string]> = [
			[{ departmentid: '99' }, "The value '99' is not a valid DEPARTMENTID."],
			[{ providerid: '21' }, "The value '21' is not a valid PROVIDERID."],
			[{ clinicalproviderid: '0' }, "The value '0' is not a valid CLINICALPROVIDERID."],
			[{ outboundonly: 'yes' }, "The value 'yes' is not a valid boolean for OUTBOUNDONLY."],
		];
		for (const [field, message] of fields) {
			const response = await t.api.post(CASES, { ...required, ...field });
			expect([response.status, response.body]).toEqual([400, { error: 'The data provided is invalid.', detailedmessage: message }]);
		}
	});

	test('autoclose creates the case closed; optional fields are kept', async () => {
		const id = await createCase({ autoclose: 'true', outboundonly: 'true', clinicalproviderid: 4, callbackname: 'Mother' });
		expect((await t.api.get(`${CASES}/${id}`)).body).toMatchObject({ status: 'CLOSED', outboundonly: true, clinicalproviderid: '4', callbackname: 'Mother' });
	});
});

describe('update', () => {
	test('changes only the fields sent, a sent field overwrites and an empty one clears', async () => {
		const id = await createCase({ subject: 'Old subject', internalnote: 'First note', priority: '2', callbackname: 'Self' });
		t.sandbox.clock.advance(90_000);
		const response = await t.api.put(`${CASES}/${id}`, { internalnote: 'Replaced note', callbackname: '' });
		expect(response.body).toEqual({ success: true, patientcaseid: id });
		const read = await t.api.get(`${CASES}/${id}`);
		expect(read.body).toMatchObject({ subject: 'Old subject', internalnote: 'Replaced note', priority: '2', lastmodifieddatetime: '01/15/2025 10:01:30' });
		expect(read.body).not.toHaveProperty('callbackname');
	});

	test('departmentid and autoclose cannot be updated', async () => {
		const id = await createCase();
		const response = await t.api.put(`${CASES}/${id}`, { departmentid: 2, autoclose: 'true', subject: 'x' });
		expect(response.status).toBe(400);
		expect(response.body).toEqual({ error: 'The data provided is invalid.', detailedmessage: 'These fields cannot be updated: departmentid, autoclose.' });
	});

	test('validates like create and needs at least one field', async () => {
		const id = await createCase();
		expect((await t.api.put(`${CASES}/${id}`, { documentsource: 'Lab' })).body.detailedmessage).toBe(
			"The value 'Lab' did not match any of the enum values for SOURCE",
		);
		expect((await t.api.put(`${CASES}/${id}`, { providerid: '' })).status).toBe(400);
		expect((await t.api.put(`${CASES}/${id}`, { internalnote: 'z'.repeat(INTERNAL_NOTE_MAX + 1) })).body.detailedmessage).toContain('INTERNALNOTE');
		expect((await t.api.put(`${CASES}/${id}`, { callbacknumber: '1', callbacknumbertype: 'HOME' })).status).toBe(400);
		expect((await t.api.put(`${CASES}/${id}`, {})).body).toEqual({ error: 'Additional fields are required.', detailedmessage: 'Send at least one field to update.' });
	});

	test('a case created in athenaNet by a user is refused', async () => {
		const response = await t.api.put(`${CASES}/${SEED_CASES.byAthenaNetUser}`, { subject: 'x' });
		expect(response.status).toBe(403);
		expect(response.body).toEqual({
			error: 'This patient case was not created through the API and cannot be updated.',
			detailedmessage: 'Only patient cases created through the API by the same API client can be updated.',
		});
	});

	test('a case created by another API client is refused, and that client may update it', async () => {
		const response = await t.api.put(`${CASES}/${SEED_CASES.byOtherClient}`, { subject: 'x' });
		expect(response.status).toBe(403);
		expect(response.body.error).toBe('This patient case was created by another API client and cannot be updated.');
		expect((await t.other.put(`${CASES}/${SEED_CASES.byOtherClient}`, { subject: 'x' })).status).toBe(200);
		const own = await createCase();
		expect((await t.other.put(`${CASES}/${own}`, { subject: 'x' })).status).toBe(403);
	});

	test('closed and deleted cases are refused', async () => {
		const closed = await t.api.put(`${CASES}/${SEED_CASES.closed}`, { subject: 'x' });
		expect([closed.status, closed.body]).toEqual([400, { error: 'A closed patient case cannot be updated.', detailedmessage: `Patient case ${SEED_CASES.closed} is CLOSED.` }]);
		const deleted = await t.api.put(`${CASES}/${SEED_CASES.deleted}`, { subject: 'x' });
		expect([deleted.status, deleted.body]).toEqual([400, { error: 'A deleted patient case cannot be updated.', detailedmessage: `Patient case ${SEED_CASES.deleted} is DELETED.` }]);
	});

	test("the patient in the path must be the case's patient", async () => {
		const id = await createCase();
		const response = await t.api.put(`patients/2/documents/patientcase/${id}`, { subject: 'x' });
		expect(response.status).toBe(404);
		expect(response.body).toEqual({ error: 'The patient case ID is invalid.', detailedmessage: `Patient case ${id} does not exist for patient 2.` });
		expect((await t.api.put(`${CASES}/1`, { subject: 'x' })).status).toBe(404);
	});
});

describe('get, list, close, reopen', () => {
	test('get: unknown ids and other patients are 404', async () => {
		expect((await t.api.get(`${CASES}/${SEED_CASES.byAthenaNetUser}`)).body).toMatchObject({ createdby: 'jfrontdesk', status: 'OPEN' });
		expect((await t.api.get(`${CASES}/5`)).status).toBe(404);
		expect((await t.api.get(`patients/2/documents/patientcase/${SEED_CASES.byAthenaNetUser}`)).status).toBe(404);
	});

	test('list needs departmentid, hides deleted cases unless asked, filters and pages', async () => {
		expect((await t.api.get(CASES)).body.missingfields).toEqual(['departmentid']);
		const id = await createCase({ documentsubclass: 'PATIENTCALL' });
		const list = await t.api.get(CASES, { departmentid: 1 });
		const ids = (response: typeof list) => response.body.patientcases.map((shown: { patientcaseid: number }) => shown.patientcaseid);
		expect(list.body.totalcount).toBe(4);
		expect(ids(list)).toEqual([SEED_CASES.byAthenaNetUser, SEED_CASES.byOtherClient, SEED_CASES.closed, id]);
		expect(ids(await t.api.get(CASES, { departmentid: 1, showdeleted: true }))).toContain(SEED_CASES.deleted);
		expect(ids(await t.api.get(CASES, { departmentid: 1, status: 'CLOSED' }))).toEqual([SEED_CASES.closed]);
		expect(ids(await t.api.get(CASES, { departmentid: 1, documentsubclass: 'PATIENTCALL' }))).toEqual([id]);
		const page = await t.api.get(CASES, { departmentid: 1, limit: 2, offset: 1 });
		expect([page.body.totalcount, ids(page)]).toEqual([4, [SEED_CASES.byOtherClient, SEED_CASES.closed]]);
		expect((await t.api.get(CASES, { departmentid: 1, status: 'open' })).body.detailedmessage).toBe(
			"The value 'open' did not match any of the enum values for STATUS",
		);
		expect((await t.api.get('patients/2/documents/patientcase', { departmentid: 1 })).body.totalcount).toBe(0);
	});

	test('close needs a known close reason; reopen; both refuse the wrong state', async () => {
		const id = await createCase();
		expect((await t.api.put(`${CASES}/${id}/close`)).body.missingfields).toEqual(['actionreasonid']);
		expect((await t.api.put(`${CASES}/${id}/close`, { actionreasonid: 99 })).body.detailedmessage).toBe("The value '99' is not a valid ACTIONREASONID.");
		expect((await t.api.put(`${CASES}/${id}/close`, { actionreasonid: 1, actionnote: 'Done' })).body).toEqual({ success: true });
		expect((await t.api.get(`${CASES}/${id}`)).body).toMatchObject({ status: 'CLOSED', closereasonid: 1, closenote: 'Done' });
		const again = await t.api.put(`${CASES}/${id}/close`, { actionreasonid: 1 });
		expect([again.status, again.body.error]).toEqual([400, 'The patient case is already closed.']);
		expect((await t.api.put(`${CASES}/${id}/reopen`)).body).toEqual({ success: true });
		expect((await t.api.get(`${CASES}/${id}`)).body.status).toBe('OPEN');
		const open = await t.api.put(`${CASES}/${id}/reopen`);
		expect([open.status, open.body.error]).toEqual([400, 'The patient case is already open.']);
		expect((await t.api.put(`${CASES}/${SEED_CASES.deleted}/close`, { actionreasonid: 1 })).body.error).toBe('A deleted patient case cannot be closed.');
		expect((await t.api.put(`${CASES}/${SEED_CASES.deleted}/reopen`)).body.error).toBe('A deleted patient case cannot be reopened.');
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
		expect(queue.map((message) => message.event)).toEqual([caseFeed.events[0], caseFeed.events[1], caseFeed.events[1], caseFeed.events[1]]);
		const read = await t.api.get(changedPath(caseFeed));
		expect(read.body.totalcount).toBe(4);
		const records = read.body[caseFeed.recordKey];
		expect(records.map((record: Record<string, unknown>) => record.status)).toEqual(['OPEN', 'OPEN', 'CLOSED', 'OPEN']);
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
		expect(t.sandbox.state.queue('sandbox-client', caseFeed.id).map((message) => message.event)).toEqual([caseFeed.events[1]]);
		expect(t.sandbox.state.queue('other-client', caseFeed.id).map((message) => message.departmentId)).toEqual(['2']);
	});
});
