import type { INodeParameters } from 'n8n-workflow';

import { Athenahealth } from '../../../nodes/Athenahealth/Athenahealth.node';
import { META_KEY } from '../../../nodes/Athenahealth/drain';
import { executeNode } from '../../harness/n8n';
import {
	FEED,
	changedRequests,
	injectedIds,
	queued,
	range,
	subscribeWholePractice,
} from '../../harness/feeds';
import { useSandbox } from '../../harness/sandbox';

const ctx = useSandbox({ departments: 120, realTimeClock: true });
const node = new Athenahealth();

async function read(parameters: INodeParameters, items = [{ json: {} }]) {
	const [output] = await executeNode(
		node,
		{ resource: 'changedData', operation: 'read', feed: FEED, ...parameters },
		ctx.credentials,
		items,
	);
	return output;
}

async function refusal(parameters: INodeParameters) {
	try {
		await read(parameters);
	} catch (error) {
		return error as Error;
	}
	throw new Error('expected the read to be refused');
}

const ids = (output: Array<{ json: Record<string, unknown> }>) =>
	output.map((item) => item.json.appointmentid as number);

describe('athenahealth node: Changed Data > Read', () => {
	beforeEach(async () => {
		await subscribeWholePractice(ctx.sandbox);
	});

	test('reads once: one call per batch of 20 departments, records out one item each with metadata', async () => {
		const records = ctx.sandbox.inject({ feed: FEED, count: 30, departmentIds: range(1, 30) });
		const output = await read({ departmentIds: range(1, 30).map(String), limit: 1000 });
		expect(ids(output).sort()).toEqual(injectedIds(records).sort());
		expect(output[0].pairedItem).toEqual({ item: 0 });
		expect(output[0].json[META_KEY]).toMatchObject({
			feed: FEED,
			practiceId: 195900,
			replayed: false,
		});
		expect(changedRequests(ctx.sandbox)).toHaveLength(2);
		expect(queued(ctx.sandbox)).toBe(0);
	});

	test('Limit caps what one read removes; Leave Unprocessed removes nothing', async () => {
		ctx.sandbox.inject({ feed: FEED, count: 40 });
		expect(await read({ limit: 10, leaveUnprocessed: true })).toHaveLength(10);
		expect(queued(ctx.sandbox)).toBe(40);
		expect(await read({ limit: 15 })).toHaveLength(15);
		expect(queued(ctx.sandbox)).toBe(25);
	});

	test('drains until empty, with the feed-specific options athena takes', async () => {
		const records = ctx.sandbox.inject({ feed: FEED, count: 2600, departmentIds: range(1, 45) });
		const output = await read({
			drainUntilEmpty: true,
			departmentIds: range(1, 45).map(String),
			options: { showpatientdetail: true },
		});
		expect(ids(output).sort()).toEqual(injectedIds(records).sort());
		expect(queued(ctx.sandbox)).toBe(0);
		expect(
			changedRequests(ctx.sandbox).every((entry) => entry.path.includes('showpatientdetail')),
		).toBe(true);
		expect(ctx.sandbox.stats().violations.concurrentChanged).toBe(0);
	});

	test('Stop Below Remaining Quota ends a drain cleanly; the quota left shows in each record', async () => {
		ctx.sandbox.inject({ feed: FEED, count: 2600 });
		ctx.sandbox.setQuotaRemaining(2000);
		const output = await read({ drainUntilEmpty: true });
		expect(output).toHaveLength(1000);
		expect(queued(ctx.sandbox)).toBe(1600);
		expect(output[0].json[META_KEY]).toMatchObject({ quota: { limit: 50000, remaining: 1999 } });
		// A reserve of 1% (500 requests) lets it finish.
		expect(await read({ drainUntilEmpty: true, options: { stopBelowQuota: 1 } })).toHaveLength(
			1600,
		);
	});

	test('appointments take their documented read options, as athena names them', async () => {
		ctx.sandbox.inject({ feed: FEED, count: 2 });
		await read({
			limit: 10,
			options: {
				ignorerestrictions: true,
				showinsurance: true,
				showcopay: true,
				patientid: '1, 2',
			},
		});
		const [call] = changedRequests(ctx.sandbox);
		for (const name of ['ignorerestrictions', 'showinsurance', 'showcopay', 'patientid'])
			expect(call.path).toContain(name);
		expect(call.path).not.toContain('showportalonly');
	});

	test('reads already-processed records again in a window entered in the workflow time zone', async () => {
		const records = ctx.sandbox.inject({ feed: FEED, count: 25 });
		await read({ limit: 1000 });
		const now = Date.now();
		const iso = (ms: number) => new Date(ms).toISOString();
		const again = await read({
			source: 'processed',
			processedStart: iso(now - 60_000),
			processedEnd: iso(now + 60_000),
		});
		expect(ids(again).sort()).toEqual(injectedIds(records).sort());
		expect(again.every((item) => (item.json[META_KEY] as { replayed: boolean }).replayed)).toBe(
			true,
		);
		const window = changedRequests(ctx.sandbox).at(-1)!;
		expect(window.path).toContain('showprocessedstartdatetime');
		const before = await read({
			source: 'processed',
			processedStart: iso(now - 7_200_000),
			processedEnd: iso(now - 3_600_000),
		});
		expect(before).toHaveLength(0);
	});

	test.each([
		[{ limit: 0 }, 'Limit must be a whole number from 1 to 1000 [item 0]'],
		[{ limit: 1001 }, 'Limit must be a whole number from 1 to 1000 [item 0]'],
		[{ feed: 'appointments/../x' }, 'Feed must be one of the feeds offered in the list [item 0]'],
		[
			{ departmentIds: ['12/..'] },
			'Department Names or IDs (entry 1) must be a positive whole number [item 0]',
		],
		[
			{ source: 'processed', processedStart: 'yesterday', processedEnd: '2025-01-15T10:00:00' },
			'Processed From must be a date and time',
		],
		[
			{
				source: 'processed',
				processedStart: '2025-01-15T10:00:00',
				processedEnd: '2025-01-15T09:00:00',
			},
			'Processed To must not be before Processed From [item 0]',
		],
		[
			{
				source: 'processed',
				processedStart: '2025-01-14T09:00:00',
				processedEnd: '2025-01-15T10:00:00',
			},
			'Processed To must be at most 24 hours after Processed From [item 0]',
		],
		[
			{ drainUntilEmpty: true, maxRecords: -5 },
			'Max Records must be a whole number from 1 to 1000000 [item 0]',
		],
		[
			{ options: { providerid: '12;DROP' } },
			'Provider IDs must be IDs separated by commas, such as 12,34 [item 0]',
		],
	])('refuses %j before any request', async (parameters, message) => {
		const before = ctx.sandbox.stats().requests.length;
		const error = await refusal(parameters as INodeParameters);
		expect(error.message).toContain(message);
		expect(ctx.sandbox.stats().requests.length).toBe(before);
	});

	test("a feed that is not subscribed answers with athena's message", async () => {
		const error = await refusal({ feed: 'labresults' });
		expect(error.message).toMatch(/subscription/);
		expect((error as Error & { httpCode?: string }).httpCode).toBe('403');
	});
});
