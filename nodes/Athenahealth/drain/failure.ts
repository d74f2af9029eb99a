import type { FailureKind } from './types';

/**
 * Reads a failed call as the request layer reports it (NodeApiError: `httpCode`, null when no answer
 * came, and `failure.retryAfterMs` for a 429) without importing n8n. Errors without `httpCode` (a
 * refused setting, a bug) are not athena's answer: no retry.
 */
export function classifyFailure(error: unknown): FailureKind {
	if (typeof error !== 'object' || error === null || !('httpCode' in error)) return { retry: false, maybeProcessed: false };
	const { httpCode, failure } = error as { httpCode?: string | null; failure?: { retryAfterMs?: number } };
	const status = httpCode ? Number(httpCode) : undefined;
	if (status === 429) return { retry: true, retryAfterMs: failure?.retryAfterMs, maybeProcessed: false };
	// No answer, or a server error: athena may have deleted the page it never delivered.
	if (status === undefined || Number.isNaN(status) || status >= 500) return { retry: true, maybeProcessed: true };
	return { retry: false, maybeProcessed: false };
}
