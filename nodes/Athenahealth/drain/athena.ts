import type { IDataObject } from 'n8n-workflow';

import { changedPath, type FeedDefinition } from '../feeds/catalog';
import { athenaRequest, type AthenaContext } from '../transport/request';
import { recordsOf, toQuery } from './query';
import type { FetchPage } from './types';

/**
 * The drain's one bridge to athena: `GET {feed}/changed` through the shared request layer, one
 * attempt per call, because the drain retries itself (it must know of every attempt that may have
 * removed records).
 */
export function athenaFetchPage(
	context: AthenaContext,
	feed: FeedDefinition,
	readOptions: IDataObject = {},
	itemIndex?: number,
): FetchPage {
	const path = changedPath(feed);
	return async (request) => {
		const { body, serverTime } = await athenaRequest.call(context, {
			method: 'GET',
			path,
			qs: toQuery(request, readOptions),
			itemIndex,
			retry: { maxAttempts: 1 },
		});
		return { records: recordsOf(body, feed), serverTime };
	};
}
