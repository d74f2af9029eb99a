import { singleFlight } from '../../nodes/Athenahealth/transport/tokenFlight';
import { sandboxCredentials } from '../harness/credentials';
import { executeNode } from '../harness/n8n';
import { probeNode } from '../harness/probe';
import { startSandbox } from '../sandbox';

describe('one token request for refreshes that happen together', () => {
	test('concurrent refreshes of one client share one fetch; another client fetches its own', async () => {
		let fetches = 0;
		const fetchToken = async () => {
			const n = ++fetches;
			await new Promise((resolve) => setTimeout(resolve, 20));
			return `token-${n}`;
		};
		const client = ['https://athena', 'client-a', 'secret', 'scope'];
		const tokens = await Promise.all([
			...Array.from({ length: 6 }, () => singleFlight(client, 'old', fetchToken)),
			singleFlight(['https://athena', 'client-b', 'secret', 'scope'], 'old', fetchToken),
		]);
		expect(fetches).toBe(2);
		expect(new Set(tokens.slice(0, 6))).toEqual(new Set(['token-1']));
		expect(tokens[6]).toBe('token-2');
	});

	test('a late refresh reuses the new token, but never hands back the token that just failed', async () => {
		let fetches = 0;
		const fetchToken = async () => `fresh-${++fetches}`;
		const client = ['https://athena', 'client-c', 'secret', 'scope'];
		expect(await singleFlight(client, 'old', fetchToken)).toBe('fresh-1');
		expect(await singleFlight(client, 'old', fetchToken)).toBe('fresh-1');
		expect(fetches).toBe(1);
		expect(await singleFlight(client, 'fresh-1', fetchToken)).toBe('fresh-2');
		expect(await singleFlight(client, '', fetchToken)).toBe('fresh-3'); // a credential with no token yet
		expect(fetches).toBe(3);
		let clock = Date.now();
		expect(await singleFlight(client, 'old', fetchToken, () => (clock += 60_000))).toBe('fresh-4');
	});

	test('a failed fetch is not shared with the next caller', async () => {
		const client = ['https://athena', 'client-d', 'secret', 'scope'];
		await expect(
			singleFlight(client, '', async () => Promise.reject(new Error('refused'))),
		).rejects.toThrow('refused');
		expect(await singleFlight(client, '', async () => 'after-failure')).toBe('after-failure');
	});

	test('parallel executions that meet an expired token cost athena one new token', async () => {
		const sandbox = await startSandbox();
		try {
			const credentials = sandboxCredentials(sandbox.url);
			const calls = JSON.stringify([{ method: 'GET', path: 'departments' }]);
			await executeNode(probeNode, { calls }, credentials);
			expect(sandbox.stats().tokensIssued).toBe(1);
			sandbox.expireTokens();
			await Promise.all(
				Array.from({ length: 8 }, () => executeNode(probeNode, { calls }, credentials)),
			);
			expect(sandbox.stats().tokensIssued).toBe(2);
			expect(sandbox.stats().violations.tokenOverLimit).toBe(0);
		} finally {
			await sandbox.close();
		}
	});
});
