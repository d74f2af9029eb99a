import { DateTime } from 'luxon';

/** athena reads replay windows as US Eastern wall time, `mm/dd/yyyy hh24:mi:ss` (docs/athena-contract.md#reading-a-feed). */
export const EASTERN_ZONE = 'America/New_York';
const FORMAT = 'MM/dd/yyyy HH:mm:ss';
const HOUR_MS = 3_600_000;

export function formatEastern(ms: number): string {
	return DateTime.fromMillis(ms, { zone: EASTERN_ZONE }).toFormat(FORMAT);
}

/** In November's repeated hour one wall time names two instants an hour apart. */
function ambiguous(ms: number): boolean {
	const text = formatEastern(ms);
	return text === formatEastern(ms + HOUR_MS) || text === formatEastern(ms - HOUR_MS);
}

/**
 * A replay window as athena's text. Where a bound falls in the repeated hour, athena may read it
 * as either instant, so the start moves before that hour and the end after it: the window can only
 * grow (more records read again and dropped as duplicates), never miss a record.
 */
export function easternWindow(startMs: number, endMs: number): { start: string; end: string } {
	let start = startMs;
	let end = endMs;
	while (ambiguous(start)) start -= HOUR_MS;
	while (ambiguous(end)) end += HOUR_MS;
	return { start: formatEastern(start), end: formatEastern(end) };
}
