import { createHash } from 'crypto';
import type { FeedDefinition } from '../feeds/catalog';
import type { DrainRecord } from './types';

/**
 * The key under which the nodes add their metadata to an output record (see common/records.ts):
 * left out of content hashes, so a record and its replay hash alike.
 */
export const META_KEY = '_athena';

/**
 * Identifies a record across a read and its replay. athena's records carry no message id
 * (docs/athena-contract.md#reading-a-feed): record id plus its last-modified stamp where the catalog names one, else a hash
 * of the record's content. Computed on normalised records; the metadata is left out.
 */
export function fingerprint(record: DrainRecord, feed: FeedDefinition): string {
	const id = record[feed.idField];
	const modified = feed.modifiedField === undefined ? undefined : record[feed.modifiedField];
	if (id !== undefined && id !== null && typeof modified === 'string')
		return `${String(id)}@${modified}`;
	const text = JSON.stringify(record, (key, value: unknown) =>
		key === META_KEY ? undefined : value,
	);
	return `#${createHash('sha1').update(text).digest('base64').slice(0, 20)}`;
}

/**
 * Fingerprints a drain's tail may keep (about 30 bytes each in static data); a larger tail moves the
 * window past it instead (see recovery.ts).
 */
export const FINGERPRINT_CAP = 2000;
/** Hard cap, reached only while a lost page is owed a replay: every record read since must be recognised. */
export const FINGERPRINT_HARD_CAP = 20_000;

/** Keeps the newest `cap` fingerprints at or after `fromSecond`, grouped by epoch second. */
export function boundFingerprints(
	groups: Record<string, string[]>,
	fromSecond: number,
	cap: number = FINGERPRINT_HARD_CAP,
): Record<string, string[]> {
	const seconds = Object.keys(groups)
		.map(Number)
		.filter((second) => second >= fromSecond)
		.sort((a, b) => b - a);
	const kept: Record<string, string[]> = {};
	let room = cap;
	for (const second of seconds) {
		if (room <= 0) break;
		const list = groups[second].slice(-room);
		kept[second] = list;
		room -= list.length;
	}
	return kept;
}

export function fingerprintSet(groups: Record<string, string[]> | undefined): Set<string> {
	const set = new Set<string>();
	for (const list of Object.values(groups ?? {})) for (const print of list) set.add(print);
	return set;
}
