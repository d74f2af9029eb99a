import type {
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestHelper,
	IHttpRequestOptions,
	Icon,
	INodeProperties,
} from 'n8n-workflow';

import { ATHENA_HOSTS, GRANT_PATH, resolveBaseUrl } from '../nodes/Athenahealth/transport/baseUrl';
import { readFailure, tokenRefusal } from '../nodes/Athenahealth/transport/errors';
import { singleFlight } from '../nodes/Athenahealth/transport/tokenFlight';

/**
 * OAuth2 client credentials for athenahealth. The token lives in a hidden expirable field:
 * n8n calls preAuthentication when it is empty and again after a 401, so one token serves every
 * request until athena says it expired (athena allows only 5 new tokens a minute in preview).
 */
export class AthenahealthApi implements ICredentialType {
	name = 'athenahealthApi';

	displayName = 'Athenahealth API';

	icon: Icon = {
		light: 'file:../nodes/Athenahealth/athenahealth.svg',
		dark: 'file:../nodes/Athenahealth/athenahealth.dark.svg',
	};

	documentationUrl = 'https://docs.athenahealth.com/api/guides/authentication-and-url-locations';

	properties: INodeProperties[] = [
		{
			displayName: 'Environment',
			name: 'environment',
			type: 'options',
			options: [
				{
					name: 'Preview',
					value: 'preview',
					description: `athena's preview (test) environment: ${ATHENA_HOSTS.preview}`,
				},
				{
					name: 'Production',
					value: 'production',
					description: `athena's production environment: ${ATHENA_HOSTS.production}`,
				},
				{
					name: 'Custom Base URL',
					value: 'custom',
					description: 'A gateway or proxy in front of athena',
				},
			],
			default: 'preview',
		},
		{
			displayName: 'Custom Base URL',
			name: 'customBaseUrl',
			type: 'string',
			default: '',
			placeholder: 'https://athena-gateway.example.org',
			description:
				'The https address of a gateway or proxy in front of athena (plain http only on this machine)',
			displayOptions: { show: { environment: ['custom'] } },
			required: true,
		},
		{
			displayName: 'Client ID',
			name: 'clientId',
			type: 'string',
			default: '',
			required: true,
		},
		{
			displayName: 'Client Secret',
			name: 'clientSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
		},
		{
			displayName: 'Practice ID',
			name: 'practiceId',
			type: 'string',
			default: '195900',
			description: 'The athenaNet practice. 195900 is the shared preview practice.',
			required: true,
		},
		{
			displayName: 'Scope',
			name: 'scope',
			type: 'string',
			default: 'athena/service/Athenanet.MDP.*',
		},
		{
			displayName: 'Access Token',
			name: 'accessToken',
			type: 'hidden',
			typeOptions: { expirable: true, password: true },
			default: '',
		},
	];

	async preAuthentication(this: IHttpRequestHelper, credentials: ICredentialDataDecryptedObject) {
		const url = `${resolveBaseUrl(credentials)}${GRANT_PATH}`;
		const scope = String(credentials.scope || 'athena/service/Athenanet.MDP.*');
		// Parallel requests that all met a 401 share one new token (athena: 5 tokens a minute).
		const accessToken = await singleFlight(
			[url, credentials.clientId, credentials.clientSecret, scope],
			String(credentials.accessToken ?? ''),
			async () => {
				let response: { access_token?: string };
				try {
					response = (await this.helpers.httpRequest({
						method: 'POST',
						url,
						auth: {
							username: String(credentials.clientId),
							password: String(credentials.clientSecret),
						},
						headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
						body: new URLSearchParams({ grant_type: 'client_credentials', scope }).toString(),
						json: true,
					})) as { access_token?: string };
				} catch (error) {
					// The credential test shows this message: say what athena refused (scope and policy
					// are not the secret; docs/athena-contract.md#authentication). The answer stays the cause.
					throw new Error(tokenRefusal({ ...readFailure(error), tokenEndpoint: true }), {
						cause: error,
					});
				}
				// expires_in comes as the string "3600": n8n's expirable field needs no lifetime.
				return response.access_token ?? '';
			},
		);
		return { accessToken };
	}

	authenticate = async (
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> => ({
		...requestOptions,
		headers: {
			...requestOptions.headers,
			Authorization: `Bearer ${String(credentials.accessToken)}`,
		},
	});

	// Proves the practice is reachable with this client: one department is enough.
	test: ICredentialTestRequest = {
		request: {
			baseURL: `={{ $credentials.environment === "custom" ? $credentials.customBaseUrl.replace(/\\/+$/, "") : ($credentials.environment === "production" ? "${ATHENA_HOSTS.production}" : "${ATHENA_HOSTS.preview}") }}`,
			url: '=/v1/{{ $credentials.practiceId }}/departments',
			qs: { limit: 1 },
		},
	};
}
