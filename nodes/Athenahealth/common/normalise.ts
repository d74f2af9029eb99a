import type { IDataObject } from 'n8n-workflow';

/**
 * athena's types drift (docs/athena-contract.md#reading-a-feed): ids come as strings or numbers, booleans as true or
 * "true". Items leave both nodes with one type per field: ids as numbers, booleans as booleans.
 * Every other field is kept as athena sent it.
 */

const DIGITS = /^(0|[1-9]\d{0,14})$/;

function isIdKey(key: string): boolean {
	return key.length > 2 && key.charCodeAt(key.length - 1) === 100 /* d */ && key.charCodeAt(key.length - 2) === 105 /* i */;
}

function normaliseValue(key: string, value: unknown): unknown {
	if (typeof value === 'string') {
		if (value === 'true') return true;
		if (value === 'false') return false;
		if (isIdKey(key) && DIGITS.test(value)) return Number(value);
		return value;
	}
	if (Array.isArray(value)) return value.map((entry) => normaliseValue(key, entry));
	if (value !== null && typeof value === 'object') return normaliseRecord(value as IDataObject);
	return value;
}

/** A copy of `record` with ids and booleans normalised, recursively. */
export function normaliseRecord(record: IDataObject): IDataObject {
	const out: IDataObject = {};
	for (const key in record) {
		out[key] = normaliseValue(key, record[key]) as IDataObject[string];
	}
	return out;
}

/**
 * The same, in place: for the drain, where each record was just parsed from athena's answer and
 * belongs to no one else, so a copy would only double the memory of a large poll.
 */
export function normaliseRecordInPlace(record: IDataObject): IDataObject {
	for (const key in record) {
		record[key] = normaliseValue(key, record[key]) as IDataObject[string];
	}
	return record;
}
