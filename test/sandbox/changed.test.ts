import {
	allEvents,
	changedPath,
	FEEDS,
	getFeed,
	subscriptionPath,
} from '../../nodes/Athenahealth/feeds/catalog';
import { AthenaClient } from '../harness/athenaClient';
import { MANY_TOKENS, useSandbox } from '../harness/sandbox';
import { DEFAULT_CLOCK_START, formatEastern, startSandbox } from './index';

// Tokens outlive the clock jumps of these tests (auth.test.ts covers expiry).
const LONG_TOKENS = { ...MANY_TOKENS, tokenLifetimeSec: 365 * 24 * 3600 };
const t = useSandbox(LONG_TOKENS);
const appointments = getFeed('appointments');
const READ = changedPath(appointments);
const EASTERN_STAMP = /^\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}:\d{2}$/;
const HOUR_MS = 3600 * 1000;

type Row = Record<string, string>;
const ids = (body: Record<string, unknown>) =>
	(body[appointments.recordKey] as Row[]).map((record) => record[appointments.idField]);

async function subscribe(params: Record<string, string> = {}): Promise<void> {
	expect((await t.api.post(subscriptionPath(appointments), params)).status).toBe(200);
}

function inject(count: number, departmentIds?: string[]): string[] {
	return t.sandbox
		.inject({ feed: appointments.id, count, departmentIds })
		.map((record) => String(record[appointments.idField]));
}

/**
 * How athena's recorded records type their ids, per feed (docs/athena-contract.md#reading-a-feed):
 * numbers in problems, providers and lab results (whose departmentid stays a string); strings in
 * appointments and patients; strings assumed elsewhere. Problems and providers carry no department.
 */
const NUMERIC_ID = new Set(['chart/healthhistory/problems', 'providers', 'labresults']);
const NO_DEPARTMENT = new Set(['chart/healthhistory/problems', 'providers']);
const ISO_STAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}-0[45]:00$/;

describe.each(FEEDS.map((feed) => [feed.id, feed] as const))('records of %s', (_id, feed) => {
	test('carry the catalog id typed as recorded, the department, the modified stamp, no event name and no message id', async () => {
		await t.api.post(subscriptionPath(feed));
		t.sandbox.inject({ feed: feed.id, count: 3, departmentIds: ['4'] });
		const response = await t.api.get(changedPath(feed));
		expect(response.status).toBe(200);
		expect(response.body.totalcount).toBe(3);
		const records = response.body[feed.recordKey] as Row[];
		expect(new Set(records.map((record) => record[feed.idField])).size).toBe(3);
		for (const record of records) {
			expect(typeof record[feed.idField]).toBe(NUMERIC_ID.has(feed.id) ? 'number' : 'string');
			expect(record.departmentid).toBe(NO_DEPARTMENT.has(feed.id) ? undefined : '4');
			if (feed.modifiedField)
				expect(record[feed.modifiedField]).toMatch(
					feed.id === 'appointments' ? EASTERN_STAMP : ISO_STAMP,
				);
			const json = JSON.stringify(record);
			expect(json.length).toBeGreaterThanOrEqual(250);
			expect(json.length).toBeLessThanOrEqual(520);
			for (const event of allEvents(feed)) expect(json).not.toContain(event);
			expect(json).not.toMatch(/"(eventname|messageid|event)"/);
		}
	});
});

describe('reading', () => {
	test("403 with athena's message without a subscription", async () => {
		const response = await t.api.get(READ);
		expect(response.status).toBe(403);
		expect(response.body).toEqual({
			error: 'Changed messages require setup (subscription) that has not been done.',
		});
	});

	test('a read returns the oldest queued records in order and removes them', async () => {
		await subscribe();
		const injected = inject(3);
		const first = await t.api.get(READ);
		expect(first.body.totalcount).toBe(3);
		expect(ids(first.body)).toEqual(injected);
		expect(first.body).not.toHaveProperty('next');
		const second = await t.api.get(READ);
		expect(second.body).toEqual({ totalcount: 0, [appointments.recordKey]: [] });
	});

	test('limit defaults to 1000; a larger one is clamped to 1000 and counted', async () => {
		await subscribe();
		inject(2500);
		const first = await t.api.get(READ);
		expect(ids(first.body)).toHaveLength(1000);
		expect(first.body.totalcount).toBe(2500);
		const clamped = await t.api.get(READ, { limit: 5000 });
		expect(ids(clamped.body)).toHaveLength(1000);
		expect(t.sandbox.stats().violations.limitOverMax).toBe(1);
		expect((await t.api.get(READ, { limit: 10 })).body.totalcount).toBe(500);
		expect((await t.api.get(READ, { limit: 'ten' })).body.detailedmessage).toBe(
			"The value 'ten' is not a valid LIMIT.",
		);
		expect((await t.api.get(READ, { limit: 0 })).status).toBe(400);
	});

	test('departmentid filters by a comma list; totalcount counts what matches', async () => {
		await subscribe();
		const injected = inject(12, ['1', '2', '3']);
		const response = await t.api.get(READ, { departmentid: '1,3' });
		expect(response.body.totalcount).toBe(8);
		expect(ids(response.body)).toEqual(injected.filter((_, index) => index % 3 !== 1));
		expect(
			t.sandbox.state
				.queue('sandbox-client', appointments.id)
				.map((message) => message.departmentId),
		).toEqual(['2', '2', '2', '2']);
	});

	test('patientid and providerid filter too', async () => {
		await subscribe();
		const records = t.sandbox.inject({ feed: appointments.id, count: 40 });
		const patient = String(records[0].patientid);
		const byPatient = await t.api.get(READ, { patientid: patient, leaveunprocessed: true });
		expect(ids(byPatient.body)).toEqual(
			records
				.filter((record) => record.patientid === patient)
				.map((record) => record[appointments.idField]),
		);
		const provider = String(records[1].providerid);
		const byProvider = await t.api.get(READ, { providerid: provider });
		expect(byProvider.body.totalcount).toBe(
			records.filter((record) => record.providerid === provider).length,
		);
	});

	test('leaveunprocessed=true reads without removing', async () => {
		await subscribe();
		inject(5);
		const peek = await t.api.get(READ, { leaveunprocessed: 'true' });
		expect(ids(peek.body)).toHaveLength(5);
		expect(t.sandbox.state.queue('sandbox-client', appointments.id)).toHaveLength(5);
		expect(ids((await t.api.get(READ)).body)).toEqual(ids(peek.body));
	});

	test('next carries the offset; following it on a delete-on-read feed skips records still queued', async () => {
		await subscribe();
		const injected = inject(30);
		const first = await t.api.get(READ, { limit: 10, departmentid: '1,2,3,4,5,6,7,8,9,10,11,12' });
		expect(ids(first.body)).toEqual(injected.slice(0, 10));
		expect(first.body.next).toBe(
			'/v1/195900/appointments/changed?limit=10&departmentid=1%2C2%2C3%2C4%2C5%2C6%2C7%2C8%2C9%2C10%2C11%2C12&offset=10',
		);
		const followed = await t.api.follow(first.body.next);
		expect(followed.body.totalcount).toBe(20);
		expect(ids(followed.body)).toEqual(injected.slice(20, 30));
		expect(followed.body.previous).toContain('offset=0');
		expect(followed.body).not.toHaveProperty('next');
		// The ten in between are still queued: drain by asking again without an offset.
		expect(ids((await t.api.get(READ)).body)).toEqual(injected.slice(10, 20));
	});

	test('an offset with leaveunprocessed pages without skipping', async () => {
		await subscribe();
		const injected = inject(25);
		const page = await t.api.get(READ, { limit: 10, offset: 10, leaveunprocessed: true });
		expect(ids(page.body)).toEqual(injected.slice(10, 20));
		expect(page.body.next).toContain('offset=20');
	});
});

describe('replay of processed messages', () => {
	test('returns what was processed in an Eastern window, in processed order, without removing anything', async () => {
		await subscribe();
		const first = inject(3, ['1', '2', '3']);
		// Processed at 10:00:00.999 and 11:00:00.999: a window's end second counts whole.
		t.sandbox.clock.advance(999);
		await t.api.get(READ);
		t.sandbox.clock.advance(HOUR_MS);
		const second = inject(2, ['1', '2']);
		await t.api.get(READ);
		const window = (from: number, to: number) => ({
			showprocessedstartdatetime: formatEastern(from),
			showprocessedenddatetime: formatEastern(to),
		});
		// 10:00:00 Eastern on 15 Jan 2025 is 15:00 UTC.
		expect(formatEastern(DEFAULT_CLOCK_START)).toBe('01/15/2025 10:00:00');
		const early = await t.api.get(READ, window(DEFAULT_CLOCK_START, DEFAULT_CLOCK_START));
		expect([early.body.totalcount, ids(early.body)]).toEqual([3, first]);
		const all = await t.api.get(READ, {
			...window(DEFAULT_CLOCK_START - HOUR_MS, DEFAULT_CLOCK_START + 2 * HOUR_MS),
			limit: 2,
			offset: 1,
		});
		expect([all.body.totalcount, ids(all.body)]).toEqual([5, [first[1], first[2]]]);
		expect(all.body.next).toContain('offset=3');
		const department = await t.api.get(READ, {
			...window(DEFAULT_CLOCK_START, DEFAULT_CLOCK_START + HOUR_MS),
			departmentid: '2',
		});
		expect(ids(department.body)).toEqual([first[1], second[1]]);
		const open = await t.api.get(READ, {
			showprocessedstartdatetime: formatEastern(DEFAULT_CLOCK_START + HOUR_MS),
		});
		expect(ids(open.body)).toEqual(second);
		expect(t.sandbox.state.queues()[0]).toMatchObject({ queued: 0, processed: 5 });
	});

	test('switches for what athena leaves open: a window that also returns queued records, a replay that ignores offset', async () => {
		await subscribe();
		const processed = inject(3);
		await t.api.get(READ);
		const queuedIds = inject(2);
		const window = {
			showprocessedstartdatetime: formatEastern(DEFAULT_CLOCK_START),
			showprocessedenddatetime: formatEastern(DEFAULT_CLOCK_START),
		};
		expect(ids((await t.api.get(READ, window)).body)).toEqual(processed);

		t.sandbox.setReplayBehaviour({ includesQueued: true });
		const both = await t.api.get(READ, window);
		expect([both.body.totalcount, ids(both.body)]).toEqual([5, [...processed, ...queuedIds]]);
		// Still queued: a replay never removes anything.
		expect(t.sandbox.state.queues()[0]).toMatchObject({ queued: 2, processed: 3 });

		t.sandbox.setReplayBehaviour({ includesQueued: false, ignoresOffset: true });
		expect(ids((await t.api.get(READ, { ...window, limit: 2, offset: 2 })).body)).toEqual(
			processed.slice(0, 2),
		);
		// A draining read still honours offset.
		expect(
			ids((await t.api.get(READ, { limit: 1, offset: 1, leaveunprocessed: true })).body),
		).toEqual([queuedIds[1]]);
		expect(t.sandbox.setReplayBehaviour({ ignoresOffset: false })).toEqual({
			includesQueued: false,
			ignoresOffset: false,
		});
		expect(ids((await t.api.get(READ, { ...window, limit: 2, offset: 2 })).body)).toEqual(
			processed.slice(2),
		);
	});

	test('malformed window bounds are refused naming the parameter', async () => {
		await subscribe();
		const bad = await t.api.get(READ, { showprocessedstartdatetime: '2025-01-15T10:00:00' });
		expect(bad.status).toBe(400);
		expect(bad.body.detailedmessage).toContain('showprocessedstartdatetime');
		const badEnd = await t.api.get(READ, {
			showprocessedstartdatetime: '01/15/2025 10:00:00',
			showprocessedenddatetime: '13/01/2025 10:00:00',
		});
		expect(badEnd.body.detailedmessage).toContain('showprocessedenddatetime');
		expect(
			(await t.api.get(READ, { showprocessedenddatetime: '01/15/2025 10:00:00' })).body
				.missingfields,
		).toEqual(['showprocessedstartdatetime']);
	});

	test('the window is US Eastern wall time across the DST change', async () => {
		// 9 Mar 2025: at 2:00 EST clocks jump to 3:00 EDT (07:00 UTC).
		t.sandbox.clock.set(Date.UTC(2025, 2, 9, 6, 59, 0)); // 01:59 EST
		await subscribe();
		const before = inject(1);
		await t.api.get(READ);
		t.sandbox.clock.advance(2 * 60 * 1000); // 03:01 EDT, two minutes later
		const after = inject(1);
		await t.api.get(READ);
		const replay = (from: string, to: string) =>
			t.api.get(READ, { showprocessedstartdatetime: from, showprocessedenddatetime: to });
		expect(ids((await replay('03/09/2025 03:00:00', '03/09/2025 03:05:00')).body)).toEqual(after);
		expect(ids((await replay('03/09/2025 01:55:00', '03/09/2025 01:59:59')).body)).toEqual(before);
		expect(ids((await replay('03/09/2025 01:59:00', '03/09/2025 03:01:00')).body)).toEqual([
			...before,
			...after,
		]);
		// A fixed UTC-5 offset would put 03:01 EDT at 08:01 UTC: nothing was processed then.
		expect((await replay('03/09/2025 04:00:00', '03/09/2025 04:05:00')).body.totalcount).toBe(0);
		// Summer: UTC-4. Months later the idle subscription is gone (seed): subscribe again.
		t.sandbox.clock.set(Date.UTC(2025, 6, 4, 16, 0, 0));
		await subscribe();
		const july = inject(1);
		await t.api.get(READ);
		expect(ids((await replay('07/04/2025 12:00:00', '07/04/2025 12:00:00')).body)).toEqual(july);
	});
});

describe('retention', () => {
	test('queued messages not read within 24 hours are dropped; processed ones replay for 24 hours', async () => {
		await subscribe();
		inject(2);
		await t.api.get(READ, { limit: 1 });
		t.sandbox.clock.advance(24 * HOUR_MS - 1);
		expect((await t.api.get(READ, { leaveunprocessed: true })).body.totalcount).toBe(1);
		const window = {
			showprocessedstartdatetime: formatEastern(DEFAULT_CLOCK_START),
			showprocessedenddatetime: formatEastern(DEFAULT_CLOCK_START),
		};
		expect((await t.api.get(READ, window)).body.totalcount).toBe(1);
		t.sandbox.clock.advance(1);
		expect((await t.api.get(READ)).body.totalcount).toBe(0);
		expect((await t.api.get(READ, window)).body.totalcount).toBe(0);
		expect(t.sandbox.state.queues()[0]).toMatchObject({ queued: 0, processed: 0, expired: 1 });
	});

	test('the retention is an option', async () => {
		const short = await startSandbox({ ...LONG_TOKENS, retentionMs: HOUR_MS });
		try {
			const client = new AthenaClient(short);
			await client.post(subscriptionPath(appointments));
			short.inject({ feed: appointments.id, count: 1 });
			short.clock.advance(HOUR_MS);
			expect((await client.get(READ)).body.totalcount).toBe(0);
		} finally {
			await short.close();
		}
	});
});

describe('inject', () => {
	test('explicit records are enqueued as given; clientId limits the queues; bad specs throw', async () => {
		await subscribe();
		await t.other.post(subscriptionPath(appointments));
		const given = [{ appointmentid: 77, departmentid: 3, appointmentstatus: 'f' }];
		expect(
			t.sandbox.inject({ feed: appointments.id, records: given, clientId: 'other-client' }),
		).toEqual(given);
		expect(t.sandbox.state.queue('sandbox-client', appointments.id)).toHaveLength(0);
		const read = await t.other.get(READ);
		expect(read.body[appointments.recordKey]).toEqual(given);
		expect(() => t.sandbox.inject({ feed: 'nope' })).toThrow('Unknown changed-data feed');
		expect(() => t.sandbox.inject({ feed: appointments.id, event: 'ProblemAdd' })).toThrow(
			'has no event',
		);
		expect(() => t.sandbox.inject({ feed: appointments.id, departmentIds: ['99'] })).toThrow(
			'Unknown department',
		);
	});
});
