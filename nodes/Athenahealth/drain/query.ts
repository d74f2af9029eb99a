import type { FeedDefinition } from '../feeds/catalog';
import type { DrainRecord, PageRequest } from './types';

/**
 * athena's query for one page; `extra` holds the feed's own read options (e.g. showpatientdetail).
 * `departmentid` goes only to a feed that takes it: elsewhere athena ignores it and answers for the
 * whole practice, so a department read there is refused rather than silently widened
 * (docs/athena-contract.md#what-athena-ignores).
 */
export function toQuery(
	request: PageRequest,
	extra: DrainRecord = {},
	feed?: FeedDefinition,
): DrainRecord {
	const qs: DrainRecord = { ...extra, limit: request.limit };
	if (request.departmentIds?.length) {
		const takes = feed?.departments.read ?? 'list';
		if (takes === 'none' || (takes === 'single' && request.departmentIds.length > 1)) {
			throw new Error(
				`The feed "${feed!.id}" reads ${takes === 'none' ? 'no department' : 'one department per call'}; refusing a read that athena would widen`,
			);
		}
		qs.departmentid = request.departmentIds.join(',');
	}
	if (request.leaveUnprocessed) qs.leaveunprocessed = 'true';
	if (request.replay) {
		qs.showprocessedstartdatetime = request.replay.start;
		qs.showprocessedenddatetime = request.replay.end;
		if (request.replay.offset > 0) qs.offset = request.replay.offset;
	}
	return qs;
}

/** The records of a `/changed` answer: the catalog's key, else the one list in it (some feeds' keys are unconfirmed: docs/athena-contract.md#unconfirmed). */
export function recordsOf(body: DrainRecord | undefined, feed: FeedDefinition): DrainRecord[] {
	if (!body) return [];
	const listed = body[feed.recordKey];
	if (Array.isArray(listed)) return listed as DrainRecord[];
	for (const key in body) {
		const value = body[key];
		if (Array.isArray(value) && key !== 'previous' && key !== 'next') return value as DrainRecord[];
	}
	return [];
}
