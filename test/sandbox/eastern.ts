import { DateTime } from 'luxon';

/** athena's timestamps are US Eastern wall time (docs/athena-contract.md#reading-a-feed), DST included. */
export const EASTERN_ZONE = 'America/New_York';
const FORMAT = 'MM/dd/yyyy HH:mm:ss';
const SHAPE = /^\d{2}\/\d{2}\/\d{4} ([01]\d|2[0-3]):[0-5]\d:[0-5]\d$/;

/** Formatting is luxon's slow path; bulk injection stamps 100k records with a handful of distinct seconds. */
const cache = new Map<number, string>();
const CACHE_LIMIT = 4096;

/** `mm/dd/yyyy hh24:mi:ss` in US Eastern time. */
export function formatEastern(ms: number): string {
	const second = Math.floor(ms / 1000);
	let text = cache.get(second);
	if (text === undefined) {
		if (cache.size >= CACHE_LIMIT) cache.clear();
		text = DateTime.fromMillis(second * 1000, { zone: EASTERN_ZONE }).toFormat(FORMAT);
		cache.set(second, text);
	}
	return text;
}

/** ISO 8601 with the Eastern offset, as athena's case datetimes read: `2015-04-02T04:34:22-04:00`. */
export function formatEasternIso(ms: number): string {
	return DateTime.fromMillis(Math.floor(ms / 1000) * 1000, { zone: EASTERN_ZONE }).toISO({
		suppressMilliseconds: true,
	}) as string;
}

/**
 * Epoch ms of an Eastern `mm/dd/yyyy hh24:mi:ss`, or undefined when malformed. Wall times that DST
 * skips move forward an hour; repeated ones (November) resolve to standard time (luxon's choice).
 */
export function parseEastern(text: string): number | undefined {
	if (!SHAPE.test(text)) return undefined;
	const parsed = DateTime.fromFormat(text, FORMAT, { zone: EASTERN_ZONE });
	return parsed.isValid ? parsed.toMillis() : undefined;
}
