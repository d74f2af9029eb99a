import { SEED_CASES } from '../../sandbox/seed';
import { sandboxCredentials } from '../../harness/credentials';
import { VALID } from '../../harness/parameters';
import {
	apiRequests,
	everythingShown,
	failure,
	options,
	run,
	search,
	useSandbox,
	type CaughtError,
} from './helpers';

const ctx = useSandbox();

/** A resource locator's value as the editor saves it. */
const picked = (value: string, mode = 'list') => ({ __rl: true, mode, value });

function requested(): string[] {
	return ctx.sandbox
		.stats()
		.requests.filter((entry) => entry.route !== 'token')
		.map((entry) => `${entry.method} ${entry.path} ${entry.status}`);
}

describe('patient search (Patient > From list)', () => {
	test('a partial name finds the patients, shown with name, date of birth and ID', async () => {
		const { results } = await search(ctx, 'searchPatients', VALID.create, 'avery alv');
		expect(results).toEqual([{ name: 'Avery Alvarez · born 01/01/1940 · ID 1', value: '1' }]);
		// athena's parameters: the term and at most 50 results (the query's values never reach a log).
		expect(requested()).toEqual(['GET /v1/195900/patients/search?searchterm&maxresults 200']);
	});

	test('a last name lists every patient who has it; a full patient ID finds that patient', async () => {
		const { results } = await search(ctx, 'searchPatients', VALID.create, 'Brennan');
		expect(results).toHaveLength(10);
		expect(
			results.every((item) => / Brennan · born \d{2}\/\d{2}\/\d{4} · ID \d+$/.test(item.name)),
		).toBe(true);
		expect((await search(ctx, 'searchPatients', VALID.create, '12')).results).toEqual([
			{ name: 'Jordan Brennan · born 12/12/1952 · ID 12', value: '12' },
		]);
	});

	test('nothing is asked of athena before two letters (or an ID) are typed, nor for text with control characters', async () => {
		for (const filter of [undefined, '', ' ', 'a', 'ab\u0000', 'x'.repeat(101)]) {
			expect(await search(ctx, 'searchPatients', VALID.create, filter)).toEqual({ results: [] });
		}
		expect(apiRequests(ctx.sandbox)).toBe(0);
	});

	test('no match is an empty list', async () => {
		expect(await search(ctx, 'searchPatients', VALID.create, 'Nobody')).toEqual({ results: [] });
	});

	test("a refused search says so with athena's status, and never repeats the term or any patient data", async () => {
		ctx.credentials = sandboxCredentials(ctx.sandbox.url, { practiceId: '1' });
		const error = await failure(search(ctx, 'searchPatients', VALID.create, 'Holloway'));
		expect(error.message).toBe('The patients could not be searched: athena answered 404');
		expect(error.description).toContain('By ID');
		expect(everythingShown(error as CaughtError)).not.toMatch(/holloway|practice id is not valid/i);
	});
});

describe('patient case list (Patient Case > From list)', () => {
	test("the chosen patient's cases from the patient's department: open ones first, newest first, with subject and status", async () => {
		const { results } = await search(ctx, 'searchPatientCases', {
			...VALID.update,
			patientId: picked('1'),
		});
		expect(results).toEqual([
			{
				name: `Refill clarification · FOLLOWUP · ID ${SEED_CASES.byOtherClient}`,
				value: String(SEED_CASES.byOtherClient),
			},
			{
				name: `Billing question · REVIEW · ID ${SEED_CASES.byAthenaNetUser}`,
				value: String(SEED_CASES.byAthenaNetUser),
			},
			{
				name: `Lab called with a result · CLOSED · ID ${SEED_CASES.closed}`,
				value: String(SEED_CASES.closed),
			},
		]);
		// The list call wants a department: the patient's registration department is read first.
		expect(requested()).toEqual([
			'GET /v1/195900/patients/1 200',
			'GET /v1/195900/patients/1/documents/patientcase?departmentid&limit 200',
		]);
	});

	test('Get Many lists from its own department; what is typed filters by subject or ID', async () => {
		const byDepartment = {
			...VALID.getMany,
			patientId: picked('1', 'id'),
			departmentId: picked('1'),
		};
		const { results } = await search(ctx, 'searchPatientCases', byDepartment, 'refill');
		expect(results.map((item) => item.value)).toEqual([String(SEED_CASES.byOtherClient)]);
		expect(
			(await search(ctx, 'searchPatientCases', byDepartment, String(SEED_CASES.closed))).results,
		).toHaveLength(1);
		expect(requested().every((line) => !line.includes('/patients/1 '))).toBe(true);
	});

	test('a plain patient ID of a saved workflow works too; with no patient yet the list says to choose one, and asks nothing', async () => {
		expect(
			(await search(ctx, 'searchPatientCases', { ...VALID.update, patientId: '1' })).results,
		).toHaveLength(3);
		ctx.sandbox.reset();
		for (const patientId of [picked(''), 'abc']) {
			const error = await failure(
				search(ctx, 'searchPatientCases', { ...VALID.update, patientId }),
			);
			expect(error.message).toBe('Choose a patient in the Patient field to list their cases here');
			expect(error.description).toContain('"By ID"');
		}
		expect(apiRequests(ctx.sandbox)).toBe(0);
	});

	test.each(['addActionNote', 'getActionNotes'] as const)(
		"%s: the optional Patient lists that patient's cases; without it the list says to choose one",
		async (operation) => {
			const { results } = await search(ctx, 'searchPatientCases', {
				...VALID[operation],
				patientId: picked('1'),
			});
			expect(results.map((item) => item.value)).toEqual(
				[SEED_CASES.byOtherClient, SEED_CASES.byAthenaNetUser, SEED_CASES.closed].map(String),
			);
			ctx.sandbox.reset();
			// A node saved before the field (no patientId at all), or with the field left empty.
			for (const parameters of [VALID[operation], { ...VALID[operation], patientId: picked('') }]) {
				const error = await failure(search(ctx, 'searchPatientCases', parameters));
				expect(error.message).toBe(
					'Choose a patient in the Patient field to list their cases here',
				);
			}
			expect(apiRequests(ctx.sandbox)).toBe(0);
		},
	);

	test('an unknown patient is an error with the status only', async () => {
		const error = await failure(
			search(ctx, 'searchPatientCases', { ...VALID.update, patientId: picked('999') }),
		);
		expect(error.message).toBe("The patient's cases could not be searched: athena answered 404");
	});
});

describe('department and provider lists', () => {
	test('departments filtered by name or ID, by name order', async () => {
		const { results } = await search(ctx, 'searchDepartments', VALID.create, 'worcester');
		expect(results.map((item) => item.name)).toEqual([
			'Worcester Clinic 2 (2)',
			'Worcester Clinic 8 (8)',
		]);
		expect((await search(ctx, 'searchDepartments', VALID.create, '3')).results).toEqual([
			{ name: 'Springfield Clinic 3 (3)', value: '3' },
		]);
		expect((await search(ctx, 'searchDepartments', VALID.create)).results).toHaveLength(12);
	});

	test('providers filtered by name, with the specialty', async () => {
		const { results } = await search(ctx, 'searchProviders', VALID.create, 'okafor, amara');
		expect(results).toEqual([
			{ name: 'Okafor, Amara (1)', value: '1', description: 'Family Medicine' },
		]);
	});
});

describe('values picked from the lists run like IDs', () => {
	test('Create with a patient, department and provider picked from the lists', async () => {
		const [item] = await run(ctx, {
			...VALID.create,
			patientId: picked('12'),
			departmentId: picked('3'),
			providerId: picked('4', 'id'),
		});
		expect(item.json).toMatchObject({ success: true, patientid: 12 });
		expect(ctx.sandbox.state.cases.get(Number(item.json.patientcaseid))).toMatchObject({
			patientid: '12',
			departmentid: '3',
			providerid: '4',
		});
	});

	test('Update with a picked case and a provider picked inside Update Fields', async () => {
		const [created] = await run(ctx, VALID.create);
		const caseId = String(created.json.patientcaseid);
		const [item] = await run(ctx, {
			...VALID.update,
			patientId: picked('12'),
			patientCaseId: picked(caseId),
			updateFields: { providerId: picked('5') },
		});
		expect(item.json).toMatchObject({ success: true, patientcaseid: Number(caseId) });
		expect(ctx.sandbox.state.cases.get(Number(caseId))?.providerid).toBe('5');
	});

	test('the action-note operations and the close reasons take a picked case', async () => {
		const [created] = await run(ctx, VALID.create);
		const caseId = String(created.json.patientcaseid);
		const [noted] = await run(ctx, { ...VALID.addActionNote, patientCaseId: picked(caseId, 'id') });
		expect(noted.json).toMatchObject({ success: true });
		const notes = await run(ctx, { ...VALID.getActionNotes, patientCaseId: picked(caseId, 'id') });
		expect(notes.length).toBeGreaterThan(0);
		expect(
			(
				await options(ctx, 'getCloseReasons', {
					...VALID.close,
					patientId: picked('12'),
					patientCaseId: picked(caseId),
				})
			).length,
		).toBeGreaterThan(0);
	});

	test("the action-note operations' Patient is never sent: a saved node without it and one with it make the same one request", async () => {
		const [created] = await run(ctx, VALID.create);
		const caseId = String(created.json.patientcaseid);
		const shapes = [
			// As saved before the field existed: a plain case ID, no patientId key.
			{
				resource: 'patientCase',
				operation: 'addActionNote',
				patientCaseId: caseId,
				actionNote: 'Called back.',
			},
			{
				resource: 'patientCase',
				operation: 'addActionNote',
				patientId: picked('12'),
				patientCaseId: picked(caseId),
				actionNote: 'Called back.',
			},
			// A patient that is not the case's changes nothing either: it is not read.
			{
				resource: 'patientCase',
				operation: 'addActionNote',
				patientId: picked('999', 'id'),
				patientCaseId: picked(caseId),
				actionNote: 'Called back.',
			},
		];
		for (const parameters of shapes) {
			const before = requested().length;
			const [item] = await run(ctx, parameters);
			expect(item.json).toMatchObject({ success: true });
			expect(requested().slice(before)).toEqual([
				`POST /v1/195900/documents/patientcase/${caseId}/actions 200`,
			]);
		}
		const counts: number[] = [];
		for (const parameters of [
			{
				resource: 'patientCase',
				operation: 'getActionNotes',
				patientCaseId: caseId,
				returnAll: true,
			},
			{
				resource: 'patientCase',
				operation: 'getActionNotes',
				patientId: picked('12'),
				patientCaseId: picked(caseId),
				returnAll: true,
			},
		]) {
			const before = requested().length;
			counts.push((await run(ctx, parameters)).length);
			expect(requested().slice(before)).toEqual([
				`GET /v1/195900/documents/patientcase/${caseId}/actions?limit&offset 200`,
			]);
		}
		expect(counts[0]).toBeGreaterThanOrEqual(shapes.length);
		expect(counts[1]).toBe(counts[0]);
	});

	test('a picked ID is checked like a typed one, before any request', async () => {
		const error = await failure(run(ctx, { ...VALID.get, patientId: picked('1/2', 'id') }));
		expect(error.message).toMatch(/^Patient ID must be a positive whole number/);
		expect(apiRequests(ctx.sandbox)).toBe(0);
	});
});
