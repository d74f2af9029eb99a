import {
	BATCH_SIZE,
	FINGERPRINT_CAP,
	META_KEY,
	boundFingerprints,
	departmentBatches,
	easternWindow,
	fingerprint,
	formatEastern,
	recordsOf,
	toQuery,
} from '../../nodes/Athenahealth/drain';
import { makeTransform } from '../../nodes/Athenahealth/common/records';
import { getFeed } from '../../nodes/Athenahealth/feeds/catalog';
import { drainDue, releaseLease, takeLease } from '../../nodes/Athenahealth/trigger/state';

describe('department batches', () => {
	test('at most 20 departments each, disjoint, duplicates removed, order kept', () => {
		const ids = Array.from({ length: 405 }, (_, index) => index + 1);
		const batches = departmentBatches([...ids, 3, 7]);
		expect(BATCH_SIZE).toBe(20);
		expect(batches).toHaveLength(21);
		expect(batches.every((batch) => batch!.length <= 20)).toBe(true);
		expect(batches.flatMap((batch) => batch!)).toEqual(ids);
		expect(batches[20]).toEqual([401, 402, 403, 404, 405]);
	});

	test('no departments is one whole-practice batch', () => {
		expect(departmentBatches(undefined)).toEqual([undefined]);
		expect(departmentBatches([])).toEqual([undefined]);
	});
});

describe('US Eastern time for replay windows', () => {
	test('formats standard and daylight time as mm/dd/yyyy hh24:mi:ss', () => {
		expect(formatEastern(Date.UTC(2025, 0, 15, 15, 4, 5))).toBe('01/15/2025 10:04:05');
		expect(formatEastern(Date.UTC(2025, 6, 4, 3, 0, 0))).toBe('07/03/2025 23:00:00');
	});

	test('spring forward: the skipped hour never appears', () => {
		// 2025-03-09 07:00Z is 03:00 EDT; one second earlier is 01:59:59 EST.
		expect(formatEastern(Date.UTC(2025, 2, 9, 7, 0, 0))).toBe('03/09/2025 03:00:00');
		expect(formatEastern(Date.UTC(2025, 2, 9, 6, 59, 59))).toBe('03/09/2025 01:59:59');
		const window = easternWindow(Date.UTC(2025, 2, 9, 6, 30), Date.UTC(2025, 2, 9, 7, 30));
		expect(window).toEqual({ start: '03/09/2025 01:30:00', end: '03/09/2025 03:30:00' });
	});

	test('fall back: a bound in the repeated hour widens the window instead of guessing', () => {
		// 2025-11-02 05:30Z = 01:30 EDT (first), 06:30Z = 01:30 EST (second).
		const firstOneThirty = Date.UTC(2025, 10, 2, 5, 30);
		const secondOneThirty = Date.UTC(2025, 10, 2, 6, 30);
		expect(formatEastern(firstOneThirty)).toBe(formatEastern(secondOneThirty));
		expect(easternWindow(firstOneThirty, secondOneThirty)).toEqual({
			start: '11/02/2025 00:30:00',
			end: '11/02/2025 02:30:00',
		});
		expect(easternWindow(secondOneThirty, secondOneThirty + 60_000).start).toBe(
			'11/02/2025 00:30:00',
		);
		// Bounds outside the repeated hour are left alone.
		expect(easternWindow(Date.UTC(2025, 10, 2, 4, 0), Date.UTC(2025, 10, 2, 8, 0))).toEqual({
			start: '11/02/2025 00:00:00',
			end: '11/02/2025 03:00:00',
		});
	});
});

describe('fingerprints', () => {
	const appointments = getFeed('appointments');
	const problems = getFeed('chart/healthhistory/problems');

	test('record id plus the catalog modified field where the feed has one', () => {
		expect(
			fingerprint({ appointmentid: 7, lastmodified: '01/15/2025 10:00:00' }, appointments),
		).toBe('7@01/15/2025 10:00:00');
	});

	test('a content hash otherwise, blind to the metadata', () => {
		const record = { problemid: 9, name: 'Asthma', events: [{ eventtype: 'START' }] };
		const print = fingerprint(record, problems);
		expect(print).toMatch(/^#.{20}$/);
		expect(fingerprint({ ...record, [META_KEY]: { feed: 'x' } }, problems)).toBe(print);
		expect(fingerprint({ ...record, name: 'Asthma, mild' }, problems)).not.toBe(print);
	});

	test('bounded: only seconds still inside the window, newest first, at most the cap', () => {
		const groups = { '100': ['a', 'b'], '101': ['c'], '102': ['d', 'e', 'f'] };
		expect(boundFingerprints(groups, 101)).toEqual({ '101': ['c'], '102': ['d', 'e', 'f'] });
		expect(boundFingerprints(groups, 0, 4)).toEqual({ '101': ['c'], '102': ['d', 'e', 'f'] });
		expect(boundFingerprints(groups, 0, 2)).toEqual({ '102': ['e', 'f'] });
		expect(FINGERPRINT_CAP).toBeGreaterThanOrEqual(1000);
	});
});

describe('query and records', () => {
	test('toQuery never sends departmentid to a feed that ignores it: it refuses the read', () => {
		const allergies = getFeed('chart/healthhistory/allergies');
		expect(toQuery({ limit: 10 }, {}, allergies)).toEqual({ limit: 10 });
		expect(() => toQuery({ departmentIds: [1], limit: 10 }, {}, allergies)).toThrow(
			'reads no department',
		);
		const surgery = getFeed('surgerycases');
		expect(toQuery({ departmentIds: [7], limit: 10 }, {}, surgery)).toEqual({
			limit: 10,
			departmentid: '7',
		});
		expect(() => toQuery({ departmentIds: [7, 8], limit: 10 }, {}, surgery)).toThrow(
			'one department per call',
		);
	});

	test('a page request becomes athena parameters', () => {
		expect(toQuery({ departmentIds: [1, 2], limit: 1000 }, { showpatientdetail: 'true' })).toEqual({
			showpatientdetail: 'true',
			limit: 1000,
			departmentid: '1,2',
		});
		expect(toQuery({ limit: 5, leaveUnprocessed: true })).toEqual({
			limit: 5,
			leaveunprocessed: 'true',
		});
		expect(toQuery({ limit: 1000, replay: { start: 'a', end: 'b', offset: 2000 } })).toEqual({
			limit: 1000,
			showprocessedstartdatetime: 'a',
			showprocessedenddatetime: 'b',
			offset: 2000,
		});
	});

	test('records under the catalog key, else the one list of the answer', () => {
		const feed = getFeed('appointments');
		expect(recordsOf({ totalcount: 1, appointments: [{ a: 1 }] }, feed)).toEqual([{ a: 1 }]);
		expect(recordsOf({ totalcount: 1, other: [{ b: 2 }], next: '/x' }, feed)).toEqual([{ b: 2 }]);
		expect(recordsOf({ totalcount: 0 }, feed)).toEqual([]);
	});
});

describe('transform', () => {
	test('normalises types, keeps athena fields and adds the metadata', () => {
		const transform = makeTransform({
			feed: 'appointments',
			practiceId: 195900,
			knownEvent: 'CheckIn',
		});
		const out = transform(
			{
				appointmentid: '12',
				departmentid: '3',
				patientid: '7',
				chargeentrynotrequired: 'false',
				note: 'x',
			},
			{
				retrievedAt: '2025-01-15T15:00:00.000Z',
				recovered: false,
				departmentIds: [3, 4],
				quota: { limit: 50000, remaining: 49000 },
			},
		);
		expect(out).toEqual({
			appointmentid: 12,
			departmentid: 3,
			patientid: 7,
			chargeentrynotrequired: false,
			note: 'x',
			[META_KEY]: {
				feed: 'appointments',
				event: 'CheckIn',
				departmentId: 3,
				practiceId: 195900,
				retrievedAt: '2025-01-15T15:00:00.000Z',
				replayed: false,
				quota: { limit: 50000, remaining: 49000 },
			},
		});
	});

	test('drops records that name an event not kept; keeps those that name none', () => {
		const transform = makeTransform({
			feed: 'appointments',
			practiceId: 1,
			keepEvents: ['CheckIn'],
		});
		const origin = { retrievedAt: '', recovered: false };
		expect(transform({ appointmentid: 1, eventname: 'CheckOut' }, origin)).toBeUndefined();
		expect(transform({ appointmentid: 1, eventname: 'CheckIn' }, origin)).toBeDefined();
		expect(transform({ appointmentid: 1 }, origin)![META_KEY]).toMatchObject({
			event: null,
			departmentId: null,
		});
	});

	// Its cost per record is measured by `npm run bench` (usPerRecordDrain beside JSON.parse), not here.
	test('normalises a wide record in place, without copying it', () => {
		const transform = makeTransform({ feed: 'appointments', practiceId: 1 });
		const record: Record<string, string | number> = {
			appointmentid: '1000001',
			departmentid: '12',
			patientid: '42',
			appointmentstatus: 'f',
			duration: 30,
			providerid: '4',
			chargeentrynotrequired: 'false',
			scheduledby: 'jfrontdesk',
			lastmodified: '01/15/2025 10:00:00',
		};
		const out = transform(record, { retrievedAt: '2025-01-15T15:00:00.000Z', recovered: false });
		expect(out).toBe(record);
		expect(out).toMatchObject({
			appointmentid: 1000001,
			departmentid: 12,
			patientid: 42,
			providerid: 4,
			chargeentrynotrequired: false,
			duration: 30,
		});
		expect(out![META_KEY]).toMatchObject({ departmentId: 12, replayed: false });
	});
});

describe('pacing and the lease', () => {
	const minute = 60_000;

	test("one drain a minute, without skipping n8n's every-minute ticks that come a little short", () => {
		const t = Date.UTC(2025, 0, 15, 15, 0, 33);
		expect(drainDue({ v: 1, feed: 'appointments' }, t, minute)).toBe(true);
		const state = { v: 1 as const, feed: 'appointments', lastDrainStart: t };
		expect(drainDue(state, t + minute - 7, minute)).toBe(true); // the next tick, 7 ms early
		expect(drainDue(state, t + 30_000, minute)).toBe(false); // a manual or overlapping tick
		expect(drainDue(state, t + minute - 5_000, minute)).toBe(false);
		expect(drainDue(state, t - 1, minute)).toBe(true); // the clock went back: do not stall
		expect(drainDue(state, t + 1, 0)).toBe(true);
	});

	test('an overlapping tick cannot take the lease; it is free again once released or expired', () => {
		expect(takeLease('wf/node', 0, 1_000, 'a')).toBe(true);
		expect(takeLease('wf/node', 10, 1_000, 'b')).toBe(false);
		releaseLease('wf/node', 'b'); // not b's to release
		expect(takeLease('wf/node', 20, 1_000, 'b')).toBe(false);
		releaseLease('wf/node', 'a');
		expect(takeLease('wf/node', 30, 1_000, 'b')).toBe(true);
		expect(takeLease('wf/node', 1_031, 1_000, 'c')).toBe(true); // b's poll died: its lease expired
		expect(takeLease('wf/other-node', 1_032, 1_000, 'd')).toBe(true); // one lease per workflow and node
	});
});
