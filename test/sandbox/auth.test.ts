import { basic, requestToken } from '../harness/athenaClient';
import { useSandbox } from '../harness/sandbox';

const t = useSandbox({ tokenRateLimitPerMinute: 5 });
const sandboxClient = basic('sandbox-client', 'sandbox-secret');

describe('token endpoint', () => {
	test('grants a bearer token to a client authenticated by HTTP Basic', async () => {
		const response = await requestToken(t.sandbox, { authorization: sandboxClient });
		expect(response.status).toBe(200);
		expect(response.body).toEqual({
			access_token: expect.stringMatching(/^[\w-]{20,}$/),
			expires_in: 3600,
			token_type: 'Bearer',
			scope: 'athena/service/Athenanet.MDP.*',
		});
		const scoped = await requestToken(t.sandbox, {
			authorization: sandboxClient,
			form: { grant_type: 'client_credentials', scope: 'athena/service/Athenanet.MDP.read' },
		});
		expect(scoped.body.scope).toBe('athena/service/Athenanet.MDP.read');
		expect(scoped.body.access_token).not.toBe(response.body.access_token);
		expect(t.sandbox.stats().tokensIssued).toBe(2);
	});

	test.each([
		['a wrong secret', basic('sandbox-client', 'nope')],
		['an unknown client', basic('nobody', 'sandbox-secret')],
		['no Basic credentials', undefined],
		['a bearer instead of Basic', 'Bearer abc'],
	])('refuses %s with invalid_client', async (_case, authorization) => {
		const response = await requestToken(t.sandbox, { authorization });
		expect(response.status).toBe(401);
		expect(response.body).toEqual({ error: 'invalid_client' });
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
		for (let index = 0; index < 5; index++) expect((await requestToken(t.sandbox, { authorization: sandboxClient })).status).toBe(200);
		const refused = await requestToken(t.sandbox, { authorization: sandboxClient });
		expect(refused.status).toBe(429);
		expect(refused.body).toEqual({ error: 'Too many token requests.' });
		expect(t.sandbox.stats().violations.tokenOverLimit).toBe(1);
		// The limit is per client.
		expect((await requestToken(t.sandbox, { authorization: basic('other-client', 'other-secret') })).status).toBe(200);
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
		expect(expired.body).toEqual({ error: 'Invalid or expired access token.' });
	});

	test('the lifetime can be changed for new tokens', async () => {
		t.sandbox.setTokenLifetime(60);
		const token = await requestToken(t.sandbox, { authorization: sandboxClient });
		expect(token.body.expires_in).toBe(60);
		t.sandbox.clock.advance(60_000);
		expect((await t.api.get('departments', {}, { token: token.body.access_token })).status).toBe(401);
	});

	test.each([
		['no Authorization header', null],
		['an unknown token', 'not-a-token'],
	])('answers 401 for %s', async (_case, token) => {
		const response = await t.api.get('departments', {}, { token });
		expect(response.status).toBe(401);
		expect(response.body).toEqual({ error: 'Invalid or expired access token.' });
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
		expect(response.body).toEqual({ error: 'The practice ID is not valid.', detailedmessage: 'Practice 123 does not exist.' });
	});

	test('unknown endpoints and methods are refused athena-style', async () => {
		expect((await t.api.get('nothing/here')).status).toBe(404);
		expect((await t.api.delete('departments')).status).toBe(405);
		const unknown = await fetch(`${t.sandbox.url}/elsewhere`);
		expect(unknown.status).toBe(404);
	});
});
