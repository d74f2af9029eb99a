import type { INode, JsonObject } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { parseRetryAfter } from './retry';

/**
 * athena's only answer that means "this feed is not subscribed": a 403 with exactly this text
 * (docs/athena-contract.md#errors). Any other 403 is a permission problem.
 */
export const NOT_SUBSCRIBED =
	'Changed messages require setup (subscription) that has not been done.';

/** The daily request quota athena reports on every API answer (docs/athena-contract.md#quotas-and-rate-limits). */
export interface Quota {
	/** Requests a day (X-RateLimit-Limit). */
	limit: number;
	/** Requests left today (X-RateLimit-Remaining); the count resets at midnight GMT. */
	remaining: number;
}

/** The quota from response headers (any case), or undefined when athena sent none. */
export function readQuota(headers: Record<string, unknown> | undefined): Quota | undefined {
	if (!headers) return undefined;
	let limit: number | undefined;
	let remaining: number | undefined;
	for (const [name, value] of Object.entries(headers)) {
		const key = name.toLowerCase();
		const number = Number(Array.isArray(value) ? value[0] : value);
		if (!Number.isFinite(number) || number < 0) continue;
		if (key === 'x-ratelimit-limit') limit = number;
		else if (key === 'x-ratelimit-remaining') remaining = number;
	}
	return limit === undefined || remaining === undefined ? undefined : { limit, remaining };
}

/** Next midnight GMT after `now`: when athena's daily quota resets. */
export function quotaResetsAt(now: number = Date.now()): number {
	const day = new Date(now);
	return Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate() + 1);
}

/** Whether an error (a NodeApiError of the request layer) is athena's exact not-subscribed 403. */
export function isNotSubscribed(error: unknown): boolean {
	const candidate = error as
		| { httpCode?: string | null; errorResponse?: { error?: unknown } }
		| undefined;
	const text = candidate?.errorResponse?.error;
	return (
		candidate?.httpCode === '403' && typeof text === 'string' && text.trim() === NOT_SUBSCRIBED
	);
}

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
	/** athena's daily quota, from the X-RateLimit headers, when sent. */
	quota?: Quota;
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
	const axios = answeringError(outer);
	const response = axios.response;
	const data = parseBody(response?.data);
	const status =
		response?.status ?? (outer.httpCode ? Number(outer.httpCode) || undefined : undefined);
	return {
		status,
		error: typeof data.error === 'string' ? data.error : undefined,
		detailedmessage: typeof data.detailedmessage === 'string' ? data.detailedmessage : undefined,
		missingFields: fieldNames(data.missingfields),
		invalidFields: fieldNames(data.invalidfields),
		retryAfterMs: parseRetryAfter(response?.headers?.['retry-after']),
		quota: readQuota(response?.headers),
		code: response ? undefined : (axios.code ?? outer.code),
		tokenEndpoint: String(axios.config?.url ?? '').includes('/oauth2/'),
	};
}

/** A list of athena field names; anything that does not look like one is left out. */
function fieldNames(value: unknown): string[] | undefined {
	if (!Array.isArray(value)) return undefined;
	const names = value.filter(
		(name): name is string => typeof name === 'string' && /^[A-Za-z0-9_.]{1,64}$/.test(name),
	);
	return names.length ? names : undefined;
}

/** "athena needs these fields: a, b. athena refused these fields: c" */
export function describeFields(
	failure: Pick<FailedAttempt, 'missingFields' | 'invalidFields'>,
): string | undefined {
	const parts = [];
	if (failure.missingFields)
		parts.push(`athena needs these fields: ${failure.missingFields.join(', ')}`);
	if (failure.invalidFields)
		parts.push(`athena refused these fields: ${failure.invalidFields.join(', ')}`);
	return parts.length ? parts.join('. ') : undefined;
}

/** The error in a cause chain that holds athena's answer (or the connection's error code). */
function answeringError(outer: ErrorWithCause): AxiosLike {
	let current: unknown = outer.cause;
	for (let depth = 0; depth < 4 && current && typeof current === 'object'; depth++) {
		const candidate = current as AxiosLike & { cause?: unknown };
		if (candidate.response || candidate.code) return candidate;
		current = candidate.cause;
	}
	return outer as AxiosLike;
}

/** Trims the blank lines athena may send before a body (docs/athena-contract.md#errors). */
function parseBody(data: unknown): Record<string, unknown> {
	if (data && typeof data === 'object' && !Buffer.isBuffer(data))
		return data as Record<string, unknown>;
	if (typeof data === 'string' && data.trim().startsWith('{')) {
		try {
			return JSON.parse(data.trim()) as Record<string, unknown>;
		} catch {
			return {};
		}
	}
	return {};
}

/** Whether trying again can help, and whether it is safe for a request that may not be repeated. */
export function isRetryable(failure: FailedAttempt, idempotent: boolean): boolean {
	if (isQuotaExhausted(failure)) return false; // nothing changes before midnight GMT
	if (failure.status === 429) return true; // athena refused before doing anything
	if (failure.status === undefined) {
		// A refused connection never reached athena; a dropped one may have been processed.
		return idempotent || (failure.code !== undefined && NEVER_SENT.has(failure.code));
	}
	if (failure.tokenEndpoint) return failure.status >= 500;
	return idempotent && failure.status >= 500;
}

/** athena's token error for a scope its app policy does not grant (docs/athena-contract.md#authentication). */
function isPolicyRefusal(failure: FailedAttempt): boolean {
	return (
		failure.error === 'access_denied' ||
		/policy evaluation failed/i.test(failure.detailedmessage ?? '')
	);
}

/** The daily quota is used up: a 429 (or any refusal) with none remaining. */
export function isQuotaExhausted(failure: FailedAttempt): boolean {
	return (
		!failure.tokenEndpoint &&
		failure.quota?.remaining === 0 &&
		(failure.status === 429 || failure.status === 403)
	);
}

/**
 * Why the token endpoint refused, in words that blame the secret only when athena says so: a
 * policy refusal is the scope or the app's policy; another refusal shows athena's status and text.
 */
export function tokenRefusal(failure: FailedAttempt, tried = ''): string {
	if (failure.status === 401 || failure.status === 400) {
		if (isPolicyRefusal(failure)) {
			return "athena refused the token request: the Scope of the Athenahealth credential is not granted by the app's policy in athena (not a wrong secret); check the scope and the app's API access in athena's Developer Portal";
		}
		if (failure.error === 'invalid_client')
			return 'athena refused the client ID or client secret of the Athenahealth credential';
		const said = failure.detailedmessage ?? failure.error;
		return `athena's token endpoint refused the Athenahealth credential (HTTP ${failure.status})${said ? `: ${said}` : ''}`;
	}
	if (failure.status === 429)
		return `athena's token limit was reached${tried}: too many new tokens this minute (5 a minute in preview, 50 in production)`;
	if (failure.status === undefined) return `athena's token endpoint could not be reached${tried}`;
	return `athena's token endpoint failed (HTTP ${failure.status})${tried}`;
}

/** Words a practice manager understands, keyed by what went wrong. */
function summary(failure: FailedAttempt, attempts: number): string {
	const tried = attempts > 1 ? ` (gave up after ${attempts} attempts)` : '';
	if (failure.tokenEndpoint) return tokenRefusal(failure, tried);
	if (isQuotaExhausted(failure)) {
		return `athena's daily request quota is used up (0 of ${failure.quota!.limit} left); it resets at midnight GMT`;
	}
	switch (failure.status) {
		case undefined:
			// The error code goes in the description: n8n swaps any message that names one for its own words.
			return `athena could not be reached${tried}`;
		case 401:
			return 'athena refused the access token even after fetching a new one';
		case 403:
			return failure.error?.trim() || 'athena refused access to this resource (HTTP 403)';
		case 404:
			return failure.error ?? 'athena could not find this resource';
		case 429:
			return `athena's rate limit was reached${tried}`;
		default:
			if (failure.status >= 500)
				return `athena could not handle the request (HTTP ${failure.status})${tried}`;
			return failure.error ?? `athena refused the request (HTTP ${failure.status})`;
	}
}

/** What a 403 of a changed-data call other than not-subscribed means, for the error's description. */
const PERMISSION_HINT =
	"This is a permission problem, not a missing subscription: the app may lack access to this feed, or the feed may sit behind one of athena's rollout toggles or practice settings. Ask athena (or the practice) to grant it; subscribing again does not help.";

const NOT_SUBSCRIBED_HINT =
	"Subscribe to the feed (athenahealth node: Subscription > Subscribe, or the trigger's Subscribe Automatically). A new subscription takes about 10 minutes to take effect (15 to 20 in preview).";

function failureCause(failure: FailedAttempt) {
	if (isQuotaExhausted(failure))
		return { cause: 'quota-exhausted' as const, resetsAtEpochMs: quotaResetsAt() };
	if (failure.status === 429)
		return { cause: 'rate-limited' as const, retryAfterMs: failure.retryAfterMs };
	if (failure.tokenEndpoint && (failure.status === 401 || failure.status === 400)) {
		return {
			cause: isPolicyRefusal(failure)
				? ('configuration-invalid' as const)
				: ('credential-invalid' as const),
		};
	}
	if (failure.status === 403) return { cause: 'configuration-invalid' as const };
	if (failure.status === undefined || failure.status >= 500)
		return { cause: 'temporarily-unavailable' as const };
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
	context: { itemIndex?: number; redact?: string[]; feedCall?: boolean } = {},
): NodeApiError {
	const clean = (text: string | undefined) =>
		text === undefined ? undefined : redactValues(text, context.redact);
	const message = clean(summary(failure, attempts)) as string;
	const networkError =
		failure.status === undefined
			? `No answer from athena: ${failure.code ?? 'the connection closed'}`
			: undefined;
	// A 403 of a feed or subscription call says which of the two it is (docs/athena-contract.md#errors).
	const hint =
		failure.status === 403 && !failure.tokenEndpoint && context.feedCall
			? failure.error?.trim() === NOT_SUBSCRIBED
				? NOT_SUBSCRIBED_HINT
				: PERMISSION_HINT
			: undefined;
	const said =
		failure.detailedmessage ??
		describeFields(failure) ??
		(failure.error && !message.includes(failure.error) ? failure.error : networkError);
	const description = clean([said, hint].filter(Boolean).join(' ') || undefined);
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
