import type { IDataObject } from 'n8n-workflow';

/**
 * athena's types drift (docs/athena-contract.md#reading-a-feed): ids come as strings or numbers, booleans as true or
 * "true". Items leave both nodes with one type per field: ids as numbers, booleans as booleans.
 * Every other field is kept as athena sent it.
 */

const DIGITS = /^(0|[1-9]\d{0,14})$/;

function isIdKey(key: string): boolean {
	return (
		key.length > 2 &&
		key.charCodeAt(key.length - 1) === 100 /* d */ &&
		key.charCodeAt(key.length - 2) === 105 /* i */
	);
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

/** What DIGITS matches, without a regular expression: the in-place path runs it for every id field of every record. */
function isDigits(value: string): boolean {
	const length = value.length;
	if (length === 0 || length > 15) return false;
	const first = value.charCodeAt(0);
	if (first === 48 /* 0 */) return length === 1;
	if (first < 49 || first > 57) return false;
	for (let index = 1; index < length; index++) {
		const code = value.charCodeAt(index);
		if (code < 48 || code > 57) return false;
	}
	return true;
}

/** normaliseValue for a value of a record that belongs to no one else: nested objects and arrays are changed in place. */
function normaliseOwned(key: string, value: unknown): unknown {
	if (typeof value === 'string') {
		if (value === 'true') return true;
		if (value === 'false') return false;
		if (isIdKey(key) && isDigits(value)) return Number(value);
		return value;
	}
	if (Array.isArray(value)) {
		for (let index = 0; index < value.length; index++)
			value[index] = normaliseOwned(key, value[index]);
		return value;
	}
	if (value !== null && typeof value === 'object')
		return normaliseRecordInPlace(value as IDataObject);
	return value;
}

/**
 * The same, in place: for the drain, where each record was just parsed from athena's answer and
 * belongs to no one else, so a copy would only double the memory of a large poll. It runs once per
 * record and field, so it writes only what changes and allocates nothing but the numbers.
 */
export function normaliseRecordInPlace(record: IDataObject): IDataObject {
	for (const key in record) {
		const value = record[key];
		const normalised = normaliseOwned(key, value);
		if (normalised !== value) record[key] = normalised as IDataObject[string];
	}
	return record;
}
