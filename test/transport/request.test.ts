import type { AthenaRequest } from '../../nodes/Athenahealth/transport/request';
import { DEFAULT_RETRY } from '../../nodes/Athenahealth/transport/retry';
import { sandboxCredentials } from '../harness/credentials';
import { executeNode } from '../harness/n8n';
import { probeNode } from '../harness/probe';
import { DEMO_CLIENT, startSandbox, type Sandbox } from '../sandbox';

let sandbox: Sandbox;

beforeEach(async () => {
	sandbox = await startSandbox();
});
afterEach(async () => {
	await sandbox.close();
});

function run(calls: AthenaRequest[], credentials = sandboxCredentials(sandbox.url)) {
	return executeNode(probeNode, { calls: JSON.stringify(calls) }, credentials);
}

async function failure(calls: AthenaRequest[], credentials = sandboxCredentials(sandbox.url)) {
	try {
		await run(calls, credentials);
	} catch (error) {
		return error as Error & { httpCode?: string; description?: string; errorResponse?: unknown };
	}
	throw new Error('expected the call to fail');
}

const departments: AthenaRequest = { method: 'GET', path: 'departments' };
const fast = { baseDelayMs: 5, maxDelayMs: 50 };

function requestsTo(route: string) {
	return sandbox.stats().counters[route]?.total ?? 0;
}

describe('request layer through a real ExecuteContext', () => {
	test('builds /v1/{practiceid}/ URLs and one token serves many calls', async () => {
		const credentials = sandboxCredentials(sandbox.url);
		const [items] = await run(Array(12).fill(departments), credentials);
		expect(items).toHaveLength(12);
		expect((items[0].json.body as { departments: unknown[] }).departments.length).toBeGreaterThan(
			0,
		);
		expect(items[0].json.serverTime).toEqual(expect.any(Number));
		expect(credentials.tokenFetches).toBe(1);
		expect(sandbox.stats().tokensIssued).toBe(1);
	});

	test('reuses a stored token across executions and fetches a new one after it expires', async () => {
		const credentials = sandboxCredentials(sandbox.url);
		await run([departments], credentials);
		await run([departments], credentials);
		expect(credentials.tokenFetches).toBe(1);

		sandbox.clock.advance(3601 * 1000); // past the token's hour: athena answers 401
		const [items] = await run([departments, departments], credentials);
		expect(items).toHaveLength(2);
		expect(credentials.tokenFetches).toBe(2);
		expect(sandbox.stats().counters.departments.byStatus['401']).toBe(1);
	});

	test('a token revoked by athena (401) is replaced once and the call succeeds', async () => {
		const credentials = sandboxCredentials(sandbox.url);
		await run([departments], credentials);
		sandbox.expireTokens();
		await run([departments], credentials);
		expect(credentials.tokenFetches).toBe(2);
	});

	test('form-encodes bodies and sends DELETE events in the query as well', async () => {
		await run([
			{ method: 'POST', path: 'appointments/changed/subscription', body: { eventname: 'CheckIn' } },
			{
				method: 'DELETE',
				path: 'appointments/changed/subscription',
				body: { eventname: 'CheckIn' },
			},
		]);
		const log = sandbox.stats().requests.filter((entry) => entry.route === 'subscription');
		expect(log.map((entry) => [entry.method, entry.status])).toEqual([
			['POST', 200],
			['DELETE', 200],
		]);
		expect(log[1].path).toContain('eventname');
	});

	test.each([
		['429 without Retry-After', { rate429: 0.6 }],
		['429 with Retry-After', { rate429RetryAfter: 0.6, retryAfterSeconds: 0 }],
		['500', { rate500: 0.6 }],
		['503', { rate503: 0.6 }],
		['dropped connection', { rateDrop: 0.6 }],
	])('retries after %s and succeeds', async (_kind, rule) => {
		sandbox.setFaults({ seed: 7, rules: [{ route: 'departments', ...rule }] });
		const [items] = await run(
			Array(6).fill({ ...departments, retry: { ...fast, maxAttempts: 12 } }),
		);
		expect(items).toHaveLength(6);
		const faults = Object.values(sandbox.stats().faults).reduce((sum, count) => sum + count, 0);
		expect(faults).toBeGreaterThan(0);
		expect(requestsTo('departments')).toBe(6 + faults);
	});

	test('honours Retry-After before trying again', async () => {
		sandbox.setFaults({
			seed: 1,
			rules: [{ route: 'departments', rate429RetryAfter: 1, retryAfterSeconds: 1 }],
		});
		const started = Date.now();
		const error = await failure([
			{ ...departments, retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 5000 } },
		]);
		expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
		expect(error.httpCode).toBe('429');
		expect(requestsTo('departments')).toBe(2);
	});

	test('gives up after a bounded number of attempts with a clear error', async () => {
		sandbox.setFaults({ seed: 3, rules: [{ route: 'departments', rate500: 1 }] });
		const error = await failure([{ ...departments, retry: fast }]);
		expect(requestsTo('departments')).toBe(DEFAULT_RETRY.maxAttempts);
		expect(error.message).toBe(
			`athena could not handle the request (HTTP 500) (gave up after ${DEFAULT_RETRY.maxAttempts} attempts)`,
		);
		expect(error.httpCode).toBe('500');
	});

	test('a connection athena keeps dropping fails with words that name athena and the network error', async () => {
		sandbox.setFaults({ seed: 3, rules: [{ route: 'departments', rateDrop: 1 }] });
		const error = await failure([{ ...departments, retry: fast }]);
		expect(error.message).toBe(
			`athena could not be reached (gave up after ${DEFAULT_RETRY.maxAttempts} attempts)`,
		);
		expect(error.description).toMatch(/^No answer from athena: E[A-Z]+/);
		expect(error.httpCode ?? null).toBeNull();
	});

	test('never resends a create that athena may already have processed', async () => {
		sandbox.setFaults({ seed: 3, rules: [{ route: 'patientcase', rate500: 1 }] });
		const create: AthenaRequest = {
			method: 'POST',
			path: 'patients/1/documents/patientcase',
			body: {
				departmentid: 1,
				providerid: 1,
				documentsource: 'PATIENT',
				documentsubclass: 'PATIENTCASE',
			},
			retry: fast,
		};
		await failure([create]);
		expect(requestsTo('patientcase')).toBe(1);

		// A 429 means athena did nothing, so even a create is retried.
		sandbox.setFaults({ seed: 4, rules: [{ route: 'patientcase', rate429: 0.5 }] });
		const [items] = await run([{ ...create, retry: { ...fast, maxAttempts: 10 } }]);
		expect((items[0].json.body as { success: unknown }).success).toBe(true);
	});

	test("carries athena's error and detailed message, never the note, the secret or the token", async () => {
		const note = 'Patient reports chest pain since Tuesday, call back urgently';
		const credentials = sandboxCredentials(sandbox.url);
		await run([departments], credentials);
		const error = await failure(
			[
				{
					method: 'POST',
					path: 'patients/1/documents/patientcase',
					body: {
						departmentid: 1,
						providerid: 1,
						documentsource: 'patient',
						documentsubclass: 'PATIENTCASE',
						internalnote: note,
					},
					redact: [note],
				},
			],
			credentials,
		);
		expect(error.message).toBe('The data provided is invalid.');
		expect(error.description).toBe(
			"The value 'patient' did not match any of the enum values for SOURCE",
		);
		expect(error.httpCode).toBe('400');
		const everything =
			JSON.stringify(error) + error.message + String(error.description) + String(error.stack);
		expect(everything).not.toContain(DEMO_CLIENT.secret);
		expect(everything).not.toContain(String(credentials.data.accessToken));
		expect(everything).not.toContain('chest pain');
	});

	test('refuses an unsafe path before sending anything', async () => {
		const error = await failure([{ method: 'GET', path: 'patients/../departments' }]);
		expect(error.message).toContain('unsafe athena path');
		expect(sandbox.stats().requests).toHaveLength(0);
	});
});
