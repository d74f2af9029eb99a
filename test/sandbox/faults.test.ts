import { changedPath, getFeed, subscriptionPath } from '../../nodes/Athenahealth/feeds/catalog';
import { AthenaClient, type ApiResponse } from '../harness/athenaClient';
import { MANY_TOKENS, useSandbox } from '../harness/sandbox';
import { formatEastern, startSandbox, type FaultConfig } from './index';

const t = useSandbox(MANY_TOKENS);
const CASES = 'patients/1/documents/patientcase';
const required = {
	departmentid: 1,
	providerid: 1,
	documentsource: 'PATIENT',
	documentsubclass: 'PATIENTCASE',
};
const appointments = getFeed('appointments');

/** The response, or 'dropped' when the socket closed without one. */
async function attempt(call: () => Promise<ApiResponse>): Promise<ApiResponse | 'dropped'> {
	try {
		return await call();
	} catch (error) {
		expect(String((error as Error).cause ?? error)).toMatch(/socket|closed|terminated|ECONNRESET/i);
		return 'dropped';
	}
}

function outcome(result: ApiResponse | 'dropped'): string | number {
	return result === 'dropped' ? result : result.status;
}

describe('each fault kind', () => {
	test('rate429 answers 429 without Retry-After and does not process the request', async () => {
		await t.api.login();
		t.sandbox.setFaults({ seed: 1, rules: [{ route: 'patientcase', rate429: 1 }] });
		const response = await t.api.post(CASES, required);
		expect(response.status).toBe(429);
		expect(response.headers.get('retry-after')).toBeNull();
		expect(response.body.error).toBe('Too many requests.');
		expect(t.sandbox.state.cases.size).toBe(4);
		expect(t.sandbox.stats().faults).toEqual({ http429: 1 });
	});

	test('rate429RetryAfter sends Retry-After: retryAfterSeconds', async () => {
		await t.api.login();
		t.sandbox.setFaults({
			seed: 1,
			rules: [{ route: 'departments', rate429RetryAfter: 1, retryAfterSeconds: 7 }],
		});
		const response = await t.api.get('departments');
		expect([response.status, response.headers.get('retry-after')]).toEqual([429, '7']);
		expect(t.sandbox.stats().faults).toEqual({ http429RetryAfter: 1 });
	});

	test.each([
		[{ rate500: 1 }, 500, 'An unexpected error occurred.'],
		[{ rate503: 1 }, 503, 'The service is temporarily unavailable.'],
	])('%j answers athena-style JSON and does not process', async (rule, status, error) => {
		await t.api.login();
		t.sandbox.setFaults({ seed: 1, rules: [{ route: 'patientcase', ...rule }] });
		const response = await t.api.post(CASES, required);
		expect([response.status, response.body.error]).toEqual([status, error]);
		expect(t.sandbox.state.cases.size).toBe(4);
	});

	test('rateDrop closes the socket before processing', async () => {
		await t.api.login();
		t.sandbox.setFaults({ seed: 1, rules: [{ route: 'patientcase', rateDrop: 1 }] });
		expect(await attempt(() => t.api.post(CASES, required))).toBe('dropped');
		expect(t.sandbox.state.cases.size).toBe(4);
		const [entry] = t.sandbox.stats().requests.filter((logged) => logged.route === 'patientcase');
		expect(entry).toMatchObject({ status: 0, fault: 'drop', clientId: undefined });
	});

	test('rateDropAfterProcessing processes, then closes the socket: a create happened', async () => {
		await t.api.login();
		t.sandbox.setFaults({ seed: 1, rules: [{ route: 'patientcase', rateDropAfterProcessing: 1 }] });
		expect(await attempt(() => t.api.post(CASES, required))).toBe('dropped');
		expect(t.sandbox.state.cases.size).toBe(5);
	});

	test('a /changed read dropped after processing loses its records unless the client replays them', async () => {
		await t.api.post(subscriptionPath(appointments));
		const injected = t.sandbox
			.inject({ feed: appointments.id, count: 4 })
			.map((record) => record[appointments.idField]);
		t.sandbox.setFaults({ seed: 1, rules: [{ route: 'changed', rateDropAfterProcessing: 1 }] });
		expect(await attempt(() => t.api.get(changedPath(appointments)))).toBe('dropped');
		t.sandbox.setFaults({ seed: 1, rules: [] });
		expect((await t.api.get(changedPath(appointments))).body.totalcount).toBe(0);
		const stamp = formatEastern(t.sandbox.clock.now());
		const replay = await t.api.get(changedPath(appointments), {
			showprocessedstartdatetime: stamp,
			showprocessedenddatetime: stamp,
		});
		expect(
			replay.body[appointments.recordKey].map(
				(record: Record<string, string>) => record[appointments.idField],
			),
		).toEqual(injected);
	});

	test('latency delays the answer for real; spikes add to it', async () => {
		await t.api.login();
		t.sandbox.setFaults({
			seed: 1,
			rules: [
				{ route: 'departments', latencyMs: 120 },
				{ route: 'providers', spikeRate: 1, spikeMs: 150 },
			],
		});
		let started = Date.now();
		expect((await t.api.get('departments')).status).toBe(200);
		expect(Date.now() - started).toBeGreaterThanOrEqual(115);
		started = Date.now();
		expect((await t.api.get('providers')).status).toBe(200);
		expect(Date.now() - started).toBeGreaterThanOrEqual(145);
		expect(t.sandbox.stats().faults).toEqual({ latency: 2, spike: 1 });
	});
});

describe('rules', () => {
	test('a route rule beats its family, which beats *', async () => {
		await t.api.login();
		t.sandbox.setFaults({
			seed: 1,
			rules: [
				{ route: '*', rate500: 1 },
				{ route: 'reference', rate503: 1 },
				{ route: 'departments', rate429: 1 },
			],
		});
		expect((await t.api.get('departments')).status).toBe(429);
		expect((await t.api.get('providers')).status).toBe(503);
		expect((await t.api.get('patients/1')).status).toBe(503);
		expect((await t.api.get('reference/documents/patientcase/closereasons')).status).toBe(503);
		expect((await t.api.get(subscriptionPath(appointments))).status).toBe(500);
	});

	test('invalid configurations are refused', () => {
		expect(() =>
			t.sandbox.setFaults({ seed: 1, rules: [{ route: 'changed', rate500: 0.6, rate503: 0.6 }] }),
		).toThrow('add up to more than 1');
		expect(() =>
			t.sandbox.setFaults({
				seed: 1,
				rules: [{ route: 'nowhere' } as unknown as FaultConfig['rules'][number]],
			}),
		).toThrow();
		expect(() =>
			t.sandbox.setFaults({
				seed: 1,
				rules: [{ route: 'changed', rate42: 1 } as unknown as FaultConfig['rules'][number]],
			}),
		).toThrow();
	});

	test('the same seed and request order give the same faults; another seed differs', async () => {
		const config: FaultConfig = {
			seed: 42,
			rules: [
				{
					route: '*',
					rate429: 0.1,
					rate429RetryAfter: 0.1,
					rate500: 0.1,
					rate503: 0.1,
					rateDrop: 0.1,
					rateDropAfterProcessing: 0.1,
				},
			],
		};
		const run = async (seed: number) => {
			t.sandbox.reset();
			await t.api.login();
			t.sandbox.setFaults({ ...config, seed });
			const outcomes: Array<string | number> = [];
			for (let index = 0; index < 40; index++)
				outcomes.push(
					outcome(await attempt(() => t.api.get(index % 2 ? 'departments' : 'providers'))),
				);
			return { outcomes, faults: t.sandbox.stats().requests.map((entry) => entry.fault ?? '-') };
		};
		const first = await run(42);
		expect(await run(42)).toEqual(first);
		expect(new Set(first.outcomes)).toEqual(new Set([200, 429, 500, 503, 'dropped']));
		expect(new Set(first.faults)).toEqual(
			new Set([
				'-',
				'http429',
				'http429RetryAfter',
				'http500',
				'http503',
				'drop',
				'dropAfterProcessing',
			]),
		);
		expect((await run(43)).outcomes).not.toEqual(first.outcomes);
	});

	test('faults given at start apply from the first request and again after reset', async () => {
		const faulty = await startSandbox({
			faults: { seed: 5, rules: [{ route: 'token', rate503: 1 }] },
		});
		try {
			const client = new AthenaClient(faulty);
			await expect(client.login()).rejects.toThrow('503');
			faulty.reset();
			await expect(client.login()).rejects.toThrow('503');
			expect(faulty.stats().faults).toEqual({ http503: 1 });
		} finally {
			await faulty.close();
		}
	});
});
