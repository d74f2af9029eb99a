import type { INode, JsonObject } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { parseRetryAfter } from './retry';

/** What the request layer needs to know of a failed attempt. */
export interface FailedAttempt {
	/** HTTP status, undefined when no answer came (dropped or refused connection). */
	status?: number;
	/** athena's `error` field, or the gateway's text. */
	error?: string;
	detailedmessage?: string;
	/** athena's `missingfields` / `invalidfields`: field names, never values (docs/athena-contract.md#errors). */
	missingFields?: string[];
	invalidFields?: string[];
	retryAfterMs?: number;
	/** Node's error code for a failed connection, e.g. ECONNRESET. */
	code?: string;
	/** The failure came from the token endpoint (preAuthentication), not the API call. */
	tokenEndpoint: boolean;
}

const NEVER_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN']);

type ErrorWithCause = {
	cause?: unknown;
	httpCode?: string | null;
	response?: unknown;
	code?: string;
	config?: { url?: string };
};

type AxiosLike = {
	code?: string;
	config?: { url?: string };
	response?: { status?: number; headers?: Record<string, unknown>; data?: unknown };
};

/**
 * Reads a failure thrown by n8n's httpRequestWithAuthentication (a NodeApiError wrapping axios'
 * error) without keeping any of it: the wrapped request holds the bearer token and the form body.
 */
export function readFailure(thrown: unknown): FailedAttempt {
	const outer = (thrown ?? {}) as ErrorWithCause;
	const axios = ((outer.cause as AxiosLike | undefined)?.response || (outer.cause as AxiosLike | undefined)?.code
		? outer.cause
		: outer) as AxiosLike;
	const response = axios.response;
	const data = parseBody(response?.data);
	const status = response?.status ?? (outer.httpCode ? Number(outer.httpCode) || undefined : undefined);
	return {
		status,
		error: typeof data.error === 'string' ? data.error : undefined,
		detailedmessage: typeof data.detailedmessage === 'string' ? data.detailedmessage : undefined,
		missingFields: fieldNames(data.missingfields),
		invalidFields: fieldNames(data.invalidfields),
		retryAfterMs: parseRetryAfter(response?.headers?.['retry-after']),
		code: response ? undefined : (axios.code ?? outer.code),
		tokenEndpoint: String(axios.config?.url ?? '').includes('/oauth2/'),
	};
}

/** A list of athena field names; anything that does not look like one is left out. */
function fieldNames(value: unknown): string[] | undefined {
	if (!Array.isArray(value)) return undefined;
	const names = value.filter((name): name is string => typeof name === 'string' && /^[A-Za-z0-9_.]{1,64}$/.test(name));
	return names.length ? names : undefined;
}

/** "athena needs these fields: a, b. athena refused these fields: c" */
export function describeFields(failure: Pick<FailedAttempt, 'missingFields' | 'invalidFields'>): string | undefined {
	const parts = [];
	if (failure.missingFields) parts.push(`athena needs these fields: ${failure.missingFields.join(', ')}`);
	if (failure.invalidFields) parts.push(`athena refused these fields: ${failure.invalidFields.join(', ')}`);
	return parts.length ? parts.join('. ') : undefined;
}

function parseBody(data: unknown): Record<string, unknown> {
	if (data && typeof data === 'object' && !Buffer.isBuffer(data)) return data as Record<string, unknown>;
	if (typeof data === 'string' && data.trim().startsWith('{')) {
		try {
			return JSON.parse(data) as Record<string, unknown>;
		} catch {
			return {};
		}
	}
	return {};
}

/** Whether trying again can help, and whether it is safe for a request that may not be repeated. */
export function isRetryable(failure: FailedAttempt, idempotent: boolean): boolean {
	if (failure.status === 429) return true; // athena refused before doing anything
	if (failure.status === undefined) {
		// A refused connection never reached athena; a dropped one may have been processed.
		return idempotent || (failure.code !== undefined && NEVER_SENT.has(failure.code));
	}
	if (failure.tokenEndpoint) return failure.status >= 500;
	return idempotent && failure.status >= 500;
}

/** Words a practice manager understands, keyed by what went wrong. */
function summary(failure: FailedAttempt, attempts: number): string {
	const tried = attempts > 1 ? ` (gave up after ${attempts} attempts)` : '';
	if (failure.tokenEndpoint) {
		if (failure.status === 401 || failure.status === 400) {
			return 'athena refused the client ID or client secret of the athenahealth credential';
		}
		if (failure.status === 429) return `athena's token limit was reached${tried}: too many new tokens this minute`;
		return `athena's token endpoint could not be reached${tried}`;
	}
	switch (failure.status) {
		case undefined:
			// The error code goes in the description: n8n swaps any message that names one for its own words.
			return `The connection to athena failed${tried}`;
		case 401:
			return 'athena refused the access token even after fetching a new one';
		case 403:
			return failure.error ?? 'athena refused access to this resource';
		case 404:
			return failure.error ?? 'athena could not find this resource';
		case 429:
			return `athena's rate limit was reached${tried}`;
		default:
			if (failure.status >= 500) return `athena had a server error (HTTP ${failure.status})${tried}`;
			return failure.error ?? `athena refused the request (HTTP ${failure.status})`;
	}
}

function failureCause(failure: FailedAttempt) {
	if (failure.status === 429) return { cause: 'rate-limited' as const, retryAfterMs: failure.retryAfterMs };
	if (failure.tokenEndpoint && (failure.status === 401 || failure.status === 400)) {
		return { cause: 'credential-invalid' as const };
	}
	if (failure.status === undefined || failure.status >= 500) return { cause: 'temporarily-unavailable' as const };
	return undefined;
}

/**
 * The one error the nodes raise for a failed athena call: athena's own message and details and
 * the status, nothing of the request (no token, no secret, no form body with patient notes).
 * `redact` lists sent values that must not be echoed back, should athena quote them.
 */
export function toNodeApiError(
	node: INode,
	failure: FailedAttempt,
	attempts: number,
	context: { itemIndex?: number; redact?: string[] } = {},
): NodeApiError {
	const clean = (text: string | undefined) => (text === undefined ? undefined : redactValues(text, context.redact));
	const message = clean(summary(failure, attempts)) as string;
	const networkError = failure.status === undefined ? `Network error: ${failure.code ?? 'no answer from athena'}` : undefined;
	const description = clean(
		failure.detailedmessage ?? describeFields(failure) ?? (failure.error && failure.error !== message ? failure.error : networkError),
	);
	const body: JsonObject = { message };
	if (failure.error) body.error = clean(failure.error) ?? null;
	if (failure.detailedmessage) body.detailedmessage = clean(failure.detailedmessage) ?? null;
	if (failure.missingFields) body.missingfields = failure.missingFields;
	if (failure.invalidFields) body.invalidfields = failure.invalidFields;
	const error = new NodeApiError(node, body, {
		message,
		description,
		httpCode: failure.status === undefined ? undefined : String(failure.status),
		itemIndex: context.itemIndex,
		failure: failureCause(failure),
	});
	// How many attempts were made: an operation tells a retried write athena already did from a refusal.
	error.context.attempts = attempts;
	return error;
}

export function redactValues(text: string, values: string[] | undefined): string {
	let out = text;
	for (const value of values ?? []) {
		if (value.length >= 3) out = out.split(value).join('[redacted]');
	}
	return out;
}
