import type { IDataObject } from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

import type { FailureKind, RunOptions } from '../drain';
import { recordsOf, toQuery } from '../drain';
import { changedPath, type FeedDefinition } from '../feeds/catalog';
import { athenaRequest, type AthenaContext } from '../transport/request';

/**
 * Reads a failed call as the request layer reports it (NodeApiError: `httpCode`, null when no
 * answer came, and `failure.retryAfterMs` for a 429). Errors without `httpCode` (a refused
 * setting, a bug) are not athena's answer: no retry.
 */
export function classifyAthenaFailure(error: unknown): FailureKind {
	if (typeof error !== 'object' || error === null || !('httpCode' in error))
		return { retry: false, maybeProcessed: false };
	const { httpCode, failure } = error as {
		httpCode?: string | null;
		failure?: { cause?: string; retryAfterMs?: number };
	};
	const status = httpCode ? Number(httpCode) : undefined;
	// The daily quota is used up until midnight GMT: trying again only spends the wait.
	if (failure?.cause === 'quota-exhausted') return { retry: false, maybeProcessed: false };
	if (status === 429)
		return { retry: true, retryAfterMs: failure?.retryAfterMs, maybeProcessed: false };
	// No answer, or a server error: athena may have deleted the page it never delivered.
	if (status === undefined || Number.isNaN(status) || status >= 500)
		return { retry: true, maybeProcessed: true };
	return { retry: false, maybeProcessed: false };
}

/**
 * The drain's I/O bound to athena: `GET {feed}/changed` through the shared request layer, one
 * attempt per call, because the drain retries itself (it must know of every attempt that may have
 * removed records).
 */
export function athenaFeedIo(
	context: AthenaContext,
	feed: FeedDefinition,
	readOptions: IDataObject = {},
	itemIndex?: number,
): Pick<RunOptions, 'fetchPage' | 'classify' | 'sleep'> {
	const path = changedPath(feed);
	return {
		fetchPage: async (request) => {
			const { body, serverTime, quota } = await athenaRequest.call(context, {
				method: 'GET',
				path,
				qs: toQuery(request, readOptions, feed),
				itemIndex,
				retry: { maxAttempts: 1 },
				timeoutMs: request.timeoutMs,
			});
			return { records: recordsOf(body, feed), serverTime, quota };
		},
		classify: classifyAthenaFailure,
		sleep,
	};
}
