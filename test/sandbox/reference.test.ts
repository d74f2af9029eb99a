import { AthenaClient } from '../harness/athenaClient';
import { MANY_TOKENS, useSandbox } from '../harness/sandbox';
import { SEED_CASES, startSandbox } from './index';

const t = useSandbox(MANY_TOKENS);

test('departments 1..12 with ids as strings, as athena sends them', async () => {
	const response = await t.api.get('departments');
	expect(response.status).toBe(200);
	expect(response.body.totalcount).toBe(12);
	expect(
		response.body.departments.map(
			(department: { departmentid: string }) => department.departmentid,
		),
	).toEqual(Array.from({ length: 12 }, (_, index) => String(index + 1)));
	expect(response.body.departments[0]).toMatchObject({ name: expect.any(String), clinicals: 'ON' });
});

test('the department count is an option', async () => {
	const large = await startSandbox({ departments: 400 });
	try {
		const response = await new AthenaClient(large).get('departments');
		expect(response.body.totalcount).toBe(400);
		expect(response.body.departments[399].departmentid).toBe('400');
	} finally {
		await large.close();
	}
});

test('providers 1..20 and the recorded provider 71, with numeric ids', async () => {
	const response = await t.api.get('providers');
	expect(response.body.totalcount).toBe(21);
	expect(response.body.providers[20]).toMatchObject({ providerid: 71 });
	expect(response.body.providers[19]).toMatchObject({
		providerid: 20,
		firstname: expect.any(String),
		lastname: expect.any(String),
		specialty: expect.any(String),
	});
});

test('a patient comes as a one-element array; an unknown one is 404', async () => {
	const response = await t.api.get('patients/7');
	expect(response.status).toBe(200);
	expect(response.body).toEqual([
		{
			patientid: '7',
			firstname: expect.any(String),
			lastname: expect.any(String),
			dob: expect.stringMatching(/^\d{2}\/\d{2}\/\d{4}$/),
			departmentid: expect.any(String),
		},
	]);
	const unknown = await t.api.get('patients/101');
	expect(unknown.status).toBe(404);
	expect(unknown.body).toEqual({
		error: 'The patient ID is invalid.',
		detailedmessage: 'Patient 101 does not exist.',
	});
});

test('patient search: a partial name or a full patient id, at most maxresults (default 50), as {totalcount, patients}', async () => {
	const byName = await t.api.get('patients/search', { searchterm: 'aver alv' });
	expect(byName.status).toBe(200);
	expect(byName.body).toEqual({
		totalcount: 1,
		patients: [
			{
				patientid: '1',
				firstname: 'Avery',
				lastname: 'Alvarez',
				dob: expect.stringMatching(/^\d{2}\/\d{2}\/\d{4}$/),
				departmentid: '1',
			},
		],
	});
	expect(
		(await t.api.get('patients/search', { searchterm: 'Alvarez, Avery' })).body.totalcount,
	).toBe(1);
	const lastName = await t.api.get('patients/search', { searchterm: 'DAWSON' });
	expect(lastName.body.totalcount).toBe(10);
	expect(
		lastName.body.patients.every((patient: { lastname: string }) => patient.lastname === 'Dawson'),
	).toBe(true);
	expect(
		(await t.api.get('patients/search', { searchterm: '42' })).body.patients.map(
			(patient: { patientid: string }) => patient.patientid,
		),
	).toEqual(['42']);
	expect(
		(await t.api.get('patients/search', { searchterm: '4' })).body.patients.map(
			(patient: { patientid: string }) => patient.patientid,
		),
	).toEqual(['4']);
	const many = await t.api.get('patients/search', { searchterm: 'a' });
	// Avery (10 patients) and Alvarez (10), Avery Alvarez once.
	expect(many.body.totalcount).toBe(19);
	expect(many.body.patients).toHaveLength(19);
	const capped = await t.api.get('patients/search', { searchterm: 'a', maxresults: '3' });
	expect(capped.body).toMatchObject({
		totalcount: 19,
		patients: [expect.anything(), expect.anything(), expect.anything()],
	});
	expect((await t.api.get('patients/search', { searchterm: 'zz' })).body).toEqual({
		totalcount: 0,
		patients: [],
	});
	const missing = await t.api.get('patients/search');
	expect(missing.status).toBe(400);
	expect(missing.body.missingfields).toEqual(['searchterm']);
});

test("patient-case close reasons are those of one case, in athena's shape", async () => {
	const response = await t.api.get('reference/documents/patientcase/closereasons', {
		patientcaseid: SEED_CASES.closed,
	});
	expect(response.status).toBe(200);
	expect(response.body[0]).toEqual({ reasonid: 1, reason: 'Resolved' });
	expect(response.body.length).toBeGreaterThanOrEqual(4);
	// A prescription case (stored PATIENTCASE_REFILL) has one reason more.
	const refill = await t.api.get('reference/documents/patientcase/closereasons', {
		patientcaseid: SEED_CASES.byOtherClient,
	});
	expect(refill.body).toHaveLength(response.body.length + 1);
	// The case id is required.
	const missing = await t.api.get('reference/documents/patientcase/closereasons');
	expect([missing.status, missing.body]).toEqual([
		400,
		{ missingfields: ['patientcaseid'], error: 'Additional fields are required.' },
	]);
	expect(
		(await t.api.get('reference/documents/patientcase/closereasons', { patientcaseid: 999999 }))
			.status,
	).toBe(404);
});
