import { changedPath, getFeed, subscriptionPath } from '../../nodes/Athenahealth/feeds/catalog';
import { MANY_TOKENS, useSandbox } from '../harness/sandbox';
import { DEFAULT_CLOCK_START, SEED_CASES } from './index';

const t = useSandbox(MANY_TOKENS);
const appointments = getFeed('appointments');

async function control(
	method: string,
	path: string,
	body?: unknown,
): Promise<{ status: number; body: any }> {
	const response = await fetch(`${t.sandbox.url}/_sandbox/${path}`, {
		method,
		headers: body === undefined ? {} : { 'content-type': 'application/json' },
		body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
	});
	return { status: response.status, body: await response.json() };
}

describe('request log and counters', () => {
	test('log the route, status, client and departments; paths keep parameter names, never values', async () => {
		await t.api.post(subscriptionPath(appointments), { departmentids: '1,2' });
		await t.api.get(changedPath(appointments), { departmentid: '2', limit: 5 });
		await t.api.get('patients/1/documents/patientcase', { departmentid: 1, status: 'REVIEW' });
		await t.api.post('patients/1/documents/patientcase', {
			departmentid: 1,
			providerid: 1,
			documentsource: 'PATIENT',
			documentsubclass: 'PATIENTCASE',
			internalnote: 'secret note',
		});
		await t.api.get('departments', {}, { token: null });
		const { requests, counters } = t.sandbox.stats();
		expect(requests.map(({ at: _at, ...entry }) => entry)).toEqual([
			{
				method: 'POST',
				route: 'token',
				path: '/oauth2/v1/token',
				status: 200,
				clientId: 'sandbox-client',
				departmentIds: undefined,
			},
			{
				method: 'POST',
				route: 'subscription',
				path: '/v1/195900/appointments/changed/subscription',
				status: 200,
				clientId: 'sandbox-client',
				departmentIds: ['1', '2'],
			},
			{
				method: 'GET',
				route: 'changed',
				path: '/v1/195900/appointments/changed?departmentid&limit',
				status: 200,
				clientId: 'sandbox-client',
				departmentIds: ['2'],
			},
			{
				method: 'GET',
				route: 'patientcase',
				path: '/v1/195900/patients/1/documents/patientcase?departmentid&status',
				status: 200,
				clientId: 'sandbox-client',
				departmentIds: undefined,
			},
			{
				method: 'POST',
				route: 'patientcase',
				path: '/v1/195900/patients/1/documents/patientcase',
				status: 200,
				clientId: 'sandbox-client',
				departmentIds: undefined,
			},
			{
				method: 'GET',
				route: 'departments',
				path: '/v1/195900/departments',
				status: 401,
				clientId: undefined,
				departmentIds: undefined,
			},
		]);
		expect(requests.every((entry) => entry.at === DEFAULT_CLOCK_START)).toBe(true);
		expect(JSON.stringify(requests)).not.toContain('secret note');
		expect(counters).toEqual({
			token: { total: 1, byStatus: { 200: 1 } },
			subscription: { total: 1, byStatus: { 200: 1 } },
			changed: { total: 1, byStatus: { 200: 1 } },
			patientcase: { total: 2, byStatus: { 200: 2 } },
			departments: { total: 1, byStatus: { 401: 1 } },
		});
	});
});

describe('HTTP control endpoints', () => {
	test('inject, queues, clock, tokens/expire, stats, cases and reset', async () => {
		await t.api.post(subscriptionPath(appointments));
		const injected = await control('POST', 'inject', {
			feed: appointments.id,
			count: 3,
			departmentIds: [1, 2],
			clientId: 'sandbox-client',
		});
		expect(injected.body).toEqual({ injected: 3, ids: ['1000001', '1000002', '1000003'] });
		const withRecords = await control('POST', 'inject', {
			feed: appointments.id,
			returnRecords: true,
		});
		expect(withRecords.body.records[0]).toMatchObject({ appointmentid: '1000004' });
		expect((await control('GET', 'queues')).body).toEqual([
			{
				clientId: 'sandbox-client',
				feed: appointments.id,
				status: 'ACTIVE',
				queued: 4,
				processed: 0,
				expired: 0,
			},
		]);

		expect((await control('POST', 'clock/advance', { ms: 1000 })).body).toEqual({
			now: DEFAULT_CLOCK_START + 1000,
			eastern: '01/15/2025 10:00:01',
		});
		expect((await control('POST', 'clock/set', { ms: DEFAULT_CLOCK_START })).body.now).toBe(
			DEFAULT_CLOCK_START,
		);
		expect((await control('GET', 'clock')).body.now).toBe(t.sandbox.clock.now());

		expect((await control('POST', 'tokens/expire')).body).toEqual({ ok: true });
		expect((await t.api.get('departments')).status).toBe(401);
		expect((await control('GET', 'stats')).body.counters.departments).toEqual({
			total: 1,
			byStatus: { 401: 1 },
		});

		const cases = (await control('GET', 'cases')).body as Array<Record<string, unknown>>;
		expect(cases.find((shown) => shown.patientcaseid === SEED_CASES.byOtherClient)).toMatchObject({
			createdvia: 'API',
			creatorclientid: 'other-client',
		});
		expect(cases.find((shown) => shown.patientcaseid === SEED_CASES.byAthenaNetUser)).toMatchObject(
			{ createdvia: 'ATHENANET' },
		);

		expect((await control('POST', 'reset')).body).toEqual({ ok: true });
		expect((await control('GET', 'queues')).body).toEqual([]);
		expect(t.sandbox.stats().requests).toEqual([]);
	});

	test('faults over HTTP', async () => {
		await t.api.login();
		expect(
			(await control('POST', 'faults', { seed: 3, rules: [{ route: 'departments', rate503: 1 }] }))
				.status,
		).toBe(200);
		expect((await t.api.get('departments')).status).toBe(503);
		const bad = await control('POST', 'faults', {
			seed: 3,
			rules: [{ route: 'departments', rate503: 2 }],
		});
		expect(bad.status).toBe(400);
		expect(bad.body.error).toBe('Invalid control request body.');
	});

	test('unknown endpoints, bad JSON and bad specs are refused', async () => {
		const unknown = await control('GET', 'nothing');
		expect(unknown.status).toBe(404);
		expect(unknown.body.endpoints).toContain('POST inject');
		expect((await control('POST', 'inject', '{not json')).status).toBe(400);
		expect((await control('POST', 'inject', { feed: 'nope' })).body.error).toBe(
			'Unknown changed-data feed "nope"',
		);
		expect((await control('POST', 'clock/advance', { ms: -5 })).status).toBe(400);
	});
});
