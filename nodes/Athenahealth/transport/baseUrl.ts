import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

/** athena's hosts (docs/athena-contract.md#authentication); the token endpoint is `/oauth2/v1/token` on the same host. */
export const ATHENA_HOSTS = {
	preview: 'https://api.preview.platform.athenahealth.com',
	production: 'https://api.platform.athenahealth.com',
} as const;

/** Where the client-credentials grant is posted. */
export const GRANT_PATH = '/oauth2/v1/token';

const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])$/i;

/** Thrown for a credential that cannot be used; its message names the field and never a secret. */
export class CredentialSettingError extends Error {}

/**
 * The base URL the credential points at. A custom URL must be https unless it is on this machine
 * (the local sandbox): patient data never travels in clear text.
 */
export function resolveBaseUrl(credentials: ICredentialDataDecryptedObject): string {
	const environment = credentials.environment as string | undefined;
	if (environment === 'production') return ATHENA_HOSTS.production;
	if (environment !== 'custom') return ATHENA_HOSTS.preview;

	const url = parseUrl(String(credentials.customBaseUrl ?? '').trim());
	if (!url) {
		throw new CredentialSettingError(
			'Custom Base URL is not a valid URL (example: https://athena.example.org)',
		);
	}
	if (url.protocol !== 'https:' && url.protocol !== 'http:') {
		throw new CredentialSettingError('Custom Base URL must start with https://');
	}
	if (url.protocol === 'http:' && !LOOPBACK.test(url.hostname)) {
		throw new CredentialSettingError(
			'Custom Base URL must use https:// unless it points at this machine (localhost or 127.0.0.1)',
		);
	}
	if (url.username || url.password || url.search || url.hash) {
		throw new CredentialSettingError(
			'Custom Base URL must not contain a user name, password, query or fragment',
		);
	}
	return url.origin + url.pathname.replace(/\/+$/, '');
}

function parseUrl(text: string): URL | undefined {
	try {
		return new URL(text);
	} catch {
		return undefined;
	}
}

/** The practice id from the credential, checked: it becomes a URL segment. */
export function resolvePracticeId(credentials: ICredentialDataDecryptedObject): string {
	const value = String(credentials.practiceId ?? '').trim();
	if (!/^[1-9]\d{0,9}$/.test(value)) {
		throw new CredentialSettingError('Practice ID must be a positive whole number, such as 195900');
	}
	return value;
}
