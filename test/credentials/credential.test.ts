import { CredentialTestContext } from 'n8n-core';
import type { ICredentialDataDecryptedObject, IHttpRequestOptions, INode } from 'n8n-workflow';
import { Workflow } from 'n8n-workflow';

import { AthenahealthApi } from '../../credentials/AthenahealthApi.credentials';
import {
	ATHENA_HOSTS,
	resolveBaseUrl,
	resolvePracticeId,
} from '../../nodes/Athenahealth/transport/baseUrl';
import { sandboxCredentials } from '../harness/credentials';
import { executeNode, requestHelpers } from '../harness/n8n';
import { probeNode } from '../harness/probe';
import { startSandbox, type Sandbox } from '../sandbox';

const credentialType = new AthenahealthApi();

/**
 * What n8n's credential test does with `test.request`: a fresh token (preAuthentication always
 * runs when testing), the request's expressions resolved against the credential, authenticate.
 */
async function runCredentialTest(data: ICredentialDataDecryptedObject) {
	const context = new CredentialTestContext();
	const token = await credentialType.preAuthentication!.call(
		requestHelpers(sandboxCredentials('')),
		data,
	);
	const credentials = { ...data, ...token };
	const node = {
		id: 't',
		name: 'Credential test',
		type: 'n8n-nodes-base.noOp',
		typeVersion: 1,
		position: [0, 0],
		parameters: {},
	} as INode;
	const nodeTypes = {
		getByName: () => ({ description: { properties: [] } }),
		getByNameAndVersion: () => ({ description: { properties: [] } }),
		getKnownTypes: () => ({}),
	};
	const workflow = new Workflow({
		nodes: [node],
		connections: {},
		active: false,
		nodeTypes: nodeTypes as never,
	});
	const resolve = (value: string) =>
		String(
			workflow.expression.getSimpleParameterValue(
				node,
				value,
				'internal',
				{ $credentials: credentials },
				undefined,
				'',
			),
		);
	const { request } = credentialType.test;
	const options = await (
		credentialType.authenticate as (
			c: ICredentialDataDecryptedObject,
			o: IHttpRequestOptions,
		) => Promise<IHttpRequestOptions>
	)(credentials, {
		url: resolve(request.baseURL!) + resolve(request.url!),
		qs: request.qs,
		method: 'GET',
		json: true,
	});
	return await context.helpers.request({
		uri: options.url,
		qs: options.qs,
		headers: options.headers,
		json: true,
		method: 'GET',
	});
}

describe('athenahealthApi credential', () => {
	let sandbox: Sandbox;
	beforeAll(async () => {
		sandbox = await startSandbox();
	});
	afterAll(async () => {
		await sandbox.close();
	});

	test('its test request proves the practice is reachable with this client', async () => {
		const response = (await runCredentialTest(sandboxCredentials(sandbox.url).data)) as {
			departments: unknown[];
		};
		expect(response.departments.length).toBeGreaterThan(0);
	});

	test('a wrong secret fails the test with a message that names the credential, not the secret', async () => {
		const data = sandboxCredentials(sandbox.url, { clientSecret: 'wrong-secret-value' }).data;
		const error = await runCredentialTest(data).then(
			() => undefined,
			(thrown: Error) => thrown,
		);
		expect(error).toBeDefined();
		const credentials = sandboxCredentials(sandbox.url, { clientSecret: 'wrong-secret-value' });
		const nodeError = await executeNode(
			probeNode,
			{ calls: JSON.stringify([{ method: 'GET', path: 'departments' }]) },
			credentials,
		).then(
			() => undefined,
			(thrown: Error) => thrown,
		);
		expect(nodeError?.message).toBe(
			'athena refused the client ID or client secret of the Athenahealth credential',
		);
		expect(JSON.stringify(nodeError) + nodeError?.message).not.toContain('wrong-secret-value');
	});

	test('an http URL on a public host is refused before any request is sent', async () => {
		const before = sandbox.stats().requests.length;
		const credentials = sandboxCredentials('http://athena.example.org');
		const error = await executeNode(
			probeNode,
			{ calls: JSON.stringify([{ method: 'GET', path: 'departments' }]) },
			credentials,
		).then(
			() => undefined,
			(thrown: Error) => thrown,
		);
		expect(error?.message).toBe(
			'Athenahealth credential: Custom Base URL must use https:// unless it points at this machine (localhost or 127.0.0.1)',
		);
		expect(credentials.tokenFetches).toBe(0);
		expect(sandbox.stats().requests.length).toBe(before);
	});
});

describe('what the credential shows', () => {
	test("links athena's authentication page and speaks of athena's environments only", () => {
		expect(credentialType.documentationUrl).toBe(
			'https://docs.athenahealth.com/api/guides/authentication-and-url-locations',
		);
		const shown = JSON.stringify(credentialType.properties);
		expect(shown).not.toMatch(/127\.0\.0\.1|8790|sandbox/i);
		expect(shown).toContain('a gateway or proxy');
	});
});

describe('base URL and practice id', () => {
	test.each([
		[{ environment: 'preview' }, ATHENA_HOSTS.preview],
		[{ environment: 'production' }, ATHENA_HOSTS.production],
		[
			{ environment: 'custom', customBaseUrl: 'https://gw.example.org/athena/' },
			'https://gw.example.org/athena',
		],
		[{ environment: 'custom', customBaseUrl: 'http://127.0.0.1:8790' }, 'http://127.0.0.1:8790'],
		[{ environment: 'custom', customBaseUrl: 'http://localhost:8790' }, 'http://localhost:8790'],
		[{ environment: 'custom', customBaseUrl: 'http://[::1]:8790' }, 'http://[::1]:8790'],
	])('%j -> %s', (credentials, expected) => {
		expect(resolveBaseUrl(credentials)).toBe(expected);
	});

	test.each([
		['http://10.0.0.5', 'must use https://'],
		['ftp://athena.example.org', 'must start with https://'],
		['not a url', 'not a valid URL'],
		['https://user:pw@athena.example.org', 'must not contain a user name'],
	])('refuses custom URL %s', (customBaseUrl, message) => {
		expect(() => resolveBaseUrl({ environment: 'custom', customBaseUrl })).toThrow(message);
	});

	test.each(['0', '-1', '19x', '1/2', '', '12345678901'])(
		'refuses practice id %j',
		(practiceId) => {
			expect(() => resolvePracticeId({ practiceId })).toThrow(
				'Practice ID must be a positive whole number',
			);
		},
	);
});
