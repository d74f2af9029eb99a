import type { INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { VALID } from '../../harness/parameters';
import { DEMO_CLIENT, SEED_CASES, SEED_CASES_PATIENT_ID } from '../../sandbox';
import { everythingShown, failure, run, useSandbox, type CaughtError } from './helpers';

const ctx = useSandbox();

const NOTE = 'Daughter says patient fell twice this week and is confused at night.';

const create = { ...VALID.create, departmentId: '1', providerId: '2' };

describe('Continue On Fail', () => {
	test('each failing item becomes an error item paired with it; the others still run', async () => {
		const output = await run(
			ctx,
			{
				...create,
				patientId: '={{ $json.patient }}',
				additionalFields: { internalNote: '={{ $json.note }}' },
			},
			[
				{ json: { patient: 40, note: NOTE } },
				{ json: { patient: '40/../41', note: NOTE } }, // refused by validation: nothing sent
				{ json: { patient: 999, note: NOTE } }, // refused by athena: unknown patient
				{ json: { patient: 41, note: 'x'.repeat(4001) } }, // too long: nothing sent
				{ json: { patient: 42, note: NOTE } },
			],
			{ continueOnFail: true },
		);
		expect(output.map((item) => item.pairedItem)).toEqual(
			[0, 1, 2, 3, 4].map((item) => ({ item })),
		);
		expect(output[0].json).toMatchObject({ success: true, patientid: 40 });
		expect(output[1].json).toEqual({
			error: 'Patient ID must be a positive whole number [item 1]',
		});
		expect(output[2].json).toEqual({
			error: 'The patient ID is invalid.',
			description: 'Patient 999 does not exist.',
		});
		expect(output[3].json).toEqual({
			error: 'Internal Note must be at most 4000 characters [item 3]',
		});
		expect(output[4].json).toMatchObject({ success: true, patientid: 42 });
		expect(
			ctx.sandbox.stats().requests.filter((entry) => entry.route === 'patientcase'),
		).toHaveLength(3);
		expect(JSON.stringify(output)).not.toContain(NOTE);
	});

	test('a refused update in a batch explains itself in its own item', async () => {
		const output = await run(
			ctx,
			{
				resource: 'patientCase',
				operation: 'update',
				patientId: SEED_CASES_PATIENT_ID,
				patientCaseId: '={{ $json.caseId }}',
				updateFields: { internalNote: NOTE },
			},
			[{ json: { caseId: SEED_CASES.byAthenaNetUser } }, { json: { caseId: SEED_CASES.deleted } }],
			{ continueOnFail: true },
		);
		expect(output).toEqual([
			{
				json: {
					error:
						'This patient case was created in athenaNet by a user, not through the API: athena lets an API client change only cases created through the API',
					description: expect.stringContaining(
						'This patient case was not created through the API and cannot be updated.',
					),
				},
				pairedItem: { item: 0 },
			},
			{
				json: {
					// athena's 400 keeps its own words; the case's state is added to the description.
					error: 'A deleted patient case cannot be updated.',
					description: expect.stringContaining(
						'This patient case is DELETED: athena does not let a deleted case be updated.',
					),
				},
				pairedItem: { item: 1 },
			},
		]);
	});

	test('without Continue On Fail the first failing item stops the run with its index', async () => {
		const error = await failure(
			run(ctx, { ...create, patientId: '={{ $json.patient }}' }, [
				{ json: { patient: 40 } },
				{ json: { patient: 998 } },
				{ json: { patient: 41 } },
			]),
		);
		expect(error.message).toBe('The patient ID is invalid.');
		expect(error.context.itemIndex).toBe(1);
		expect(
			ctx.sandbox.stats().requests.filter((entry) => entry.route === 'patientcase'),
		).toHaveLength(2);
	});
});

describe('one token for a run and across runs', () => {
	test('twenty calls over several operations fetch one token', async () => {
		const many = (count: number): INodeExecutionData[] =>
			Array.from({ length: count }, (_, index) => ({ json: { patient: 50 + index } }));
		const created = await run(ctx, { ...create, patientId: '={{ $json.patient }}' }, many(8));
		await run(
			ctx,
			{
				resource: 'patientCase',
				operation: 'get',
				patientId: '={{ $json.patientid }}',
				patientCaseId: '={{ $json.patientcaseid }}',
			},
			created.map((item) => ({ json: item.json })),
		);
		await run(ctx, { resource: 'subscription', operation: 'getStatus', feed: 'patients' }, many(4));
		expect(ctx.sandbox.stats().requests.filter((entry) => entry.route !== 'token')).toHaveLength(
			20,
		);
		expect(ctx.credentials.tokenFetches).toBe(1);
		expect(ctx.sandbox.stats().tokensIssued).toBe(1);
	});
});

describe('nothing secret or clinical in an error', () => {
	test('no error shows the client secret, the bearer token or the note text', async () => {
		const errors: CaughtError[] = [];
		const collect = async (parameters: INodeParameters) =>
			errors.push(await failure(run(ctx, parameters)));
		// A successful call first, so a token exists that an error could leak.
		await run(ctx, { ...create, patientId: '12', additionalFields: { internalNote: NOTE } });
		await collect({
			...create,
			patientId: '12',
			departmentId: '999',
			additionalFields: { internalNote: NOTE, callbackName: 'Rosa Lindqvist' },
		});
		await collect({ ...create, patientId: 'abc', additionalFields: { internalNote: NOTE } });
		await collect({
			...create,
			patientId: '12',
			additionalFields: { internalNote: `${NOTE}\u0007` },
		});
		await collect({
			resource: 'patientCase',
			operation: 'update',
			patientId: SEED_CASES_PATIENT_ID,
			patientCaseId: String(SEED_CASES.byOtherClient),
			updateFields: { internalNote: NOTE, callbackName: 'Rosa Lindqvist' },
		});
		await collect({
			resource: 'patientCase',
			operation: 'close',
			patientId: SEED_CASES_PATIENT_ID,
			patientCaseId: String(SEED_CASES.closed),
			closeReasonId: '1',
			note: NOTE,
		});
		expect(errors).toHaveLength(5);
		const token = String(ctx.credentials.data.accessToken);
		expect(token.length).toBeGreaterThan(8);
		for (const error of errors) {
			const shown = everythingShown(error);
			expect(shown).not.toContain(DEMO_CLIENT.secret);
			expect(shown).not.toContain(token);
			expect(shown).not.toContain(NOTE);
			expect(shown).not.toContain('Rosa Lindqvist');
		}
	});
});
