import { basic, requestToken } from '../harness/athenaClient';
import { useSandbox } from '../harness/sandbox';

/** athena's recorded 401 of an expired or unknown token (docs/athena-contract.md#authentication). */
const INVALID_TOKEN = {
	error: 'Invalid Access Token.',
	detailedmessage:
		'The access token provided is not valid. Please verify the token is correct and provided as a bearer token in the authorization header.',
};

const t = useSandbox({ tokenRateLimitPerMinute: 5 });
const sandboxClient = basic('sandbox-client', 'sandbox-secret');

describe('token endpoint', () => {
	test('grants a bearer token to a client authenticated by HTTP Basic', async () => {
		const response = await requestToken(t.sandbox, { authorization: sandboxClient });
		expect(response.status).toBe(200);
		// As recorded: expires_in is a string, and the answer counts the tokens of this minute.
		expect(response.body).toEqual({
			token_type: 'Bearer',
			expires_in: '3600',
			access_token: expect.stringMatching(/^[\w-]{20,}$/),
			scope: 'athena/service/Athenanet.MDP.*',
		});
		expect(response.headers.get('x-ratelimit-limit')).toBe('5');
		expect(response.headers.get('x-ratelimit-remaining')).toBe('4');
		const again = await requestToken(t.sandbox, { authorization: sandboxClient });
		expect(again.body.access_token).not.toBe(response.body.access_token);
		expect(again.headers.get('x-ratelimit-remaining')).toBe('3');
		expect(t.sandbox.stats().tokensIssued).toBe(2);
	});

	test("a scope the app's policy does not grant answers 401 access_denied, as athena does", async () => {
		const response = await requestToken(t.sandbox, {
			authorization: sandboxClient,
			form: { grant_type: 'client_credentials', scope: 'athena/service/Athenanet.MDP.read' },
		});
		expect(response.status).toBe(401);
		expect(response.body).toEqual({
			detailedmessage:
				'Policy evaluation failed for this request, please check the policy configurations.',
			error: 'access_denied',
		});
		expect(t.sandbox.stats().tokensIssued).toBe(0);
	});

	test.each([
		['a wrong secret', basic('sandbox-client', 'nope')],
		['an unknown client', basic('nobody', 'sandbox-secret')],
		['no Basic credentials', undefined],
		['a bearer instead of Basic', 'Bearer abc'],
	])('refuses %s with invalid_client', async (_case, authorization) => {
		const response = await requestToken(t.sandbox, { authorization });
		expect(response.status).toBe(401);
		expect(response.body).toMatchObject({ error: 'invalid_client' });
	});

	test.each([
		['password', { grant_type: 'password' }],
		['a missing grant_type', {}],
	])('refuses %s with unsupported_grant_type', async (_case, form) => {
		const response = await requestToken(t.sandbox, { authorization: sandboxClient, form });
		expect(response.status).toBe(400);
		expect(response.body).toEqual({ error: 'unsupported_grant_type' });
	});

	test('more than the per-minute limit of new tokens answers 429 and counts a violation', async () => {
		for (let index = 0; index < 5; index++)
			expect((await requestToken(t.sandbox, { authorization: sandboxClient })).status).toBe(200);
		const refused = await requestToken(t.sandbox, { authorization: sandboxClient });
		expect(refused.status).toBe(429);
		expect(refused.body).toEqual({ error: 'Too many token requests.' });
		expect(t.sandbox.stats().violations.tokenOverLimit).toBe(1);
		// The limit is per client.
		expect(
			(await requestToken(t.sandbox, { authorization: basic('other-client', 'other-secret') }))
				.status,
		).toBe(200);
		t.sandbox.clock.advance(59_999);
		expect((await requestToken(t.sandbox, { authorization: sandboxClient })).status).toBe(429);
		t.sandbox.clock.advance(1);
		expect((await requestToken(t.sandbox, { authorization: sandboxClient })).status).toBe(200);
		expect(t.sandbox.stats().violations.tokenOverLimit).toBe(2);
		expect(t.sandbox.stats().tokensIssued).toBe(7);
	});

	test('the limit can be changed at run time', async () => {
		t.sandbox.setTokenRateLimit(1);
		expect((await requestToken(t.sandbox, { authorization: sandboxClient })).status).toBe(200);
		expect((await requestToken(t.sandbox, { authorization: sandboxClient })).status).toBe(429);
	});
});

describe('bearer check on /v1', () => {
	test('a token lives its lifetime on the sandbox clock', async () => {
		await t.api.login();
		t.sandbox.clock.advance(3600 * 1000 - 1);
		expect((await t.api.get('departments')).status).toBe(200);
		t.sandbox.clock.advance(1);
		const expired = await t.api.get('departments');
		expect(expired.status).toBe(401);
		expect(expired.body).toEqual(INVALID_TOKEN);
		expect(expired.text.startsWith('{\n    "error"')).toBe(true);
		expect(expired.headers.get('www-authenticate')).toMatch(
			/^Bearer realm="null",error="invalid_token",/,
		);
	});

	test('the lifetime can be changed for new tokens', async () => {
		t.sandbox.setTokenLifetime(60);
		const token = await requestToken(t.sandbox, { authorization: sandboxClient });
		expect(token.body.expires_in).toBe('60');
		t.sandbox.clock.advance(60_000);
		expect((await t.api.get('departments', {}, { token: token.body.access_token })).status).toBe(
			401,
		);
	});

	test.each([
		['no Authorization header', null],
		['an unknown token', 'not-a-token'],
	])('answers 401 for %s', async (_case, token) => {
		const response = await t.api.get('departments', {}, { token });
		expect(response.status).toBe(401);
		expect(response.body).toEqual(INVALID_TOKEN);
	});

	test('expireTokens() revokes every issued token', async () => {
		await t.api.login();
		await t.other.login();
		t.sandbox.expireTokens();
		expect((await t.api.get('departments')).status).toBe(401);
		expect((await t.other.get('departments')).status).toBe(401);
	});

	test('another practice id is refused once authenticated', async () => {
		const response = await t.api.get('departments', {}, { practiceId: '123' });
		expect(response.status).toBe(404);
		expect(response.body).toEqual({
			error: 'The practice ID is not valid.',
			detailedmessage: 'Practice 123 does not exist.',
		});
	});

	test('every API answer carries the daily quota, which can run out until midnight GMT', async () => {
		const first = await t.api.get('departments');
		expect(first.headers.get('x-ratelimit-limit')).toBe('50000');
		expect(first.headers.get('x-ratelimit-remaining')).toBe('49999');
		expect((await t.api.get('departments')).headers.get('x-ratelimit-remaining')).toBe('49998');
		t.sandbox.setQuotaRemaining(1);
		expect((await t.api.get('departments')).headers.get('x-ratelimit-remaining')).toBe('0');
		const refused = await t.api.get('departments');
		expect(refused.status).toBe(429);
		expect(refused.headers.get('x-ratelimit-remaining')).toBe('0');
		// The other client's quota is its own; and the day turns at midnight GMT.
		expect((await t.other.get('departments')).status).toBe(200);
		const now = t.sandbox.clock.now();
		t.sandbox.clock.advance(
			Date.UTC(
				new Date(now).getUTCFullYear(),
				new Date(now).getUTCMonth(),
				new Date(now).getUTCDate() + 1,
			) - now,
		);
		await t.api.login();
		expect((await t.api.get('departments')).headers.get('x-ratelimit-remaining')).toBe('49999');
	});

	test('unknown endpoints and methods are refused athena-style', async () => {
		expect((await t.api.get('nothing/here')).status).toBe(404);
		expect((await t.api.delete('departments')).status).toBe(405);
		const unknown = await fetch(`${t.sandbox.url}/elsewhere`);
		expect(unknown.status).toBe(404);
	});
});
