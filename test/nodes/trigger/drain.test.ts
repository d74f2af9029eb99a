import { META_KEY } from '../../../nodes/Athenahealth/drain';
import {
	CLIENT,
	FEED,
	activate,
	changedRequests,
	emittedIds,
	injectedIds,
	queued,
	range,
	reactivate,
	useSandbox,
	workflow,
} from './helpers';

const ctx = useSandbox();

describe("athenahealth Trigger: draining a feed through n8n-core's poll executor", () => {
	test('drains a backlog over 100 departments completely, with no duplicate and the minimum number of calls', async () => {
		const departments = range(1, 100);
		const wf = workflow(ctx, { departmentIds: departments.map(String) });
		await activate(wf);
		const records = ctx.sandbox.inject({ feed: FEED, count: 6000, departmentIds: departments });
		const before = changedRequests(ctx.sandbox).length;

		const { emitted, error } = await wf.tick();
		expect(error).toBeNull();
		expect(emitted).toHaveLength(6000);
		const ids = emittedIds(wf);
		expect(new Set(ids)).toEqual(new Set(injectedIds(records)));
		expect(ids).toHaveLength(6000);
		expect(queued(ctx.sandbox)).toBe(0);
		// 5 batches of 20 departments, 1200 records each: floor(1200 / 1000) + 1 = 2 calls each.
		const drainCalls = changedRequests(ctx.sandbox).slice(before);
		expect(drainCalls).toHaveLength(10);
		expect(
			drainCalls.every(
				(entry) => entry.departmentIds!.length === 20 && !entry.path.includes('showprocessed'),
			),
		).toBe(true);
		const stats = ctx.sandbox.stats();
		expect(stats.violations.concurrentChanged).toBe(0);
		expect(stats.violations.limitOverMax).toBe(0);
		expect(stats.tokensIssued).toBe(1);

		const first = emitted![0].json;
		expect(first.appointmentid).toEqual(expect.any(Number));
		expect(first.departmentid).toEqual(expect.any(Number));
		expect(first[META_KEY]).toEqual({
			feed: FEED,
			event: null,
			departmentId: first.departmentid,
			practiceId: 195900,
			retrievedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
			replayed: false,
			// athena's daily quota after the call, from its X-RateLimit headers.
			quota: { limit: 50000, remaining: expect.any(Number) },
		});
		// Nothing more: the next poll makes one short call per batch and emits nothing.
		expect((await wf.tick()).emitted).toBeNull();
	});

	test('two overlapping polls: one drains, the other backs off without calling athena', async () => {
		const wf = workflow(ctx, { departmentIds: range(1, 60).map(String) });
		await activate(wf);
		const records = ctx.sandbox.inject({ feed: FEED, count: 3000, departmentIds: range(1, 60) });
		ctx.sandbox.setFaults({ seed: 1, rules: [{ route: 'changed', latencyMs: 40 }] });
		const before = changedRequests(ctx.sandbox).length;

		const [a, b] = await Promise.all([wf.tick(), wf.tick()]);
		expect([a.emitted, b.emitted].filter(Boolean)).toHaveLength(1);
		expect(a.error ?? b.error).toBeNull();
		expect(new Set(emittedIds(wf))).toEqual(new Set(injectedIds(records)));
		expect(emittedIds(wf)).toHaveLength(3000);
		expect(ctx.sandbox.stats().violations.concurrentChanged).toBe(0);
		// 3 batches, 1000 records each: a full page, then an empty one.
		expect(changedRequests(ctx.sandbox).length - before).toBe(6);
		// The lease is gone once the poll is done.
		expect(
			(wf.persisted[`node:${wf.type.description.displayName}`] as { drain: { lease?: unknown } })
				.drain.lease,
		).toBeUndefined();
	});

	test('a poll that fails while another tick overlaps it leaves no lease behind a restart', async () => {
		const wf = workflow(ctx, {}, { pollBudgetMs: 20_000 });
		await activate(wf);
		const records = ctx.sandbox.inject({ feed: FEED, count: 50 });
		// One tick drains and keeps meeting 429s until it gives up; the overlapping tick backs off and
		// returns null, which makes n8n save the static data while the first tick still holds its lease.
		ctx.sandbox.setFaults({
			seed: 1,
			rules: [{ route: 'changed', rate429RetryAfter: 1, retryAfterSeconds: 0, latencyMs: 50 }],
		});
		const overlapping = await Promise.all([wf.tick(), wf.tick()]);
		expect(overlapping.filter((outcome) => outcome.error)).toHaveLength(1);
		ctx.sandbox.setFaults({ seed: 1, rules: [] });

		wf.restart();
		await reactivate(wf);
		const after = await wf.tick('init');
		expect(after.error).toBeNull();
		expect(new Set(emittedIds(wf))).toEqual(new Set(injectedIds(records)));
		expect(queued(ctx.sandbox)).toBe(0);
	});

	test('Fetch Test Event reads with leaveunprocessed, saves nothing and says when the queue is empty', async () => {
		const wf = workflow(ctx, { departmentIds: ['1', '2'] });
		await expect(wf.manual()).rejects.toThrow(
			'The Athenahealth feed "Appointments" was not subscribed; it is now',
		);
		await expect(wf.manual()).rejects.toThrow(
			'No records are waiting in the Athenahealth feed "Appointments"',
		);
		ctx.sandbox.inject({ feed: FEED, count: 12, departmentIds: [1, 2] });
		const saved = JSON.stringify(wf.persisted);

		const items = await wf.manual();
		expect(items).toHaveLength(5);
		expect(queued(ctx.sandbox)).toBe(12);
		// Every read left the queue alone: leaveunprocessed, or the processed window of the empty-queue look back.
		expect(
			changedRequests(ctx.sandbox).every((entry) =>
				/leaveunprocessed|showprocessed/.test(entry.path),
			),
		).toBe(true);
		expect(JSON.stringify(wf.persisted)).toBe(saved);
		expect(wf.executions).toHaveLength(0);
	});

	test('Max Records per Poll leaves the rest queued for the next poll', async () => {
		const wf = workflow(ctx, {
			departmentIds: range(1, 40).map(String),
			options: { maxRecordsPerPoll: 800 },
		});
		await activate(wf);
		const records = ctx.sandbox.inject({ feed: FEED, count: 2000, departmentIds: range(1, 40) });
		expect((await wf.tick()).emitted).toHaveLength(800);
		expect(queued(ctx.sandbox)).toBe(1200);
		expect((await wf.tick()).emitted).toHaveLength(800);
		expect((await wf.tick()).emitted).toHaveLength(400);
		expect(new Set(emittedIds(wf))).toEqual(new Set(injectedIds(records)));
		expect(emittedIds(wf)).toHaveLength(2000);
		expect(ctx.sandbox.stats().violations.limitOverMax).toBe(0);
	});

	test('the poll budget stops the drain before it runs out, the rest waits for the next poll', async () => {
		const budget = { pollBudgetMs: 250 };
		const wf = workflow(ctx, { departmentIds: range(1, 20).map(String) }, budget);
		await activate(wf);
		const records = ctx.sandbox.inject({ feed: FEED, count: 5000, departmentIds: range(1, 20) });
		ctx.sandbox.setFaults({ seed: 2, rules: [{ route: 'changed', latencyMs: 100 }] });
		const first = await wf.tick();
		expect(first.error).toBeNull();
		expect(first.emitted!.length).toBeGreaterThanOrEqual(1000);
		expect(first.emitted!.length).toBeLessThan(5000);
		expect(queued(ctx.sandbox)).toBe(5000 - first.emitted!.length);
		budget.pollBudgetMs = 60_000;
		await wf.tick();
		expect(queued(ctx.sandbox)).toBe(0);
		expect(new Set(emittedIds(wf))).toEqual(new Set(injectedIds(records)));
		expect(emittedIds(wf)).toHaveLength(5000);
	});

	test('at most one drain per minimum interval: a poll within it returns nothing and calls nothing', async () => {
		const wf = workflow(ctx, { options: { minIntervalSeconds: 60 } });
		await activate(wf, 2);
		ctx.sandbox.inject({ feed: FEED, count: 10 });
		const before = ctx.sandbox.stats().requests.length;
		// The anchor poll read athena's clock a moment ago: the drain waits for the minute.
		expect((await wf.tick()).emitted).toBeNull();
		expect(ctx.sandbox.stats().requests.length).toBe(before);
		expect(queued(ctx.sandbox)).toBe(10);
	});

	test.each([
		[
			{ events: ['checkin'] },
			'Event Names or IDs (entry 1) must be written as athena names it: CheckIn',
		],
		[
			{ events: ['CheckIn', 'CheckIns'] },
			"Event Names or IDs (entry 2) must be one of the feed's events",
		],
		[{ feed: 'Appointments' }, 'Feed must be one of the feeds offered in the list'],
		[
			{ departmentIds: ['1', '2/..'] },
			'Department Names or IDs (entry 2) must be a positive whole number',
		],
		[
			{ options: { maxRecordsPerPoll: 0 } },
			'Max Records per Poll must be a whole number from 1 to 1000000',
		],
		[{ options: { parallelBatches: 21 } }, 'Parallel Batches must be a whole number from 1 to 20'],
		[{ options: { providerid: '..' } }, 'Provider IDs must be IDs separated by commas'],
	])('refuses %j before any request, naming the field', async (parameters, message) => {
		const wf = workflow(ctx, parameters);
		const { error } = await wf.tick();
		expect(error!.message).toContain(message);
		await expect(wf.manual()).rejects.toThrow(message);
		expect(ctx.sandbox.stats().requests).toHaveLength(0);
	});

	test('state lives in static data only: a restart between polls loses nothing and repeats nothing', async () => {
		const wf = workflow(ctx, { departmentIds: range(1, 30).map(String) });
		await activate(wf);
		const first = ctx.sandbox.inject({ feed: FEED, count: 700, departmentIds: range(1, 30) });
		expect((await wf.tick()).emitted).toHaveLength(700);
		wf.restart();
		const second = ctx.sandbox.inject({ feed: FEED, count: 300, departmentIds: range(1, 30) });
		await reactivate(wf);
		expect((await wf.tick('init')).emitted).toHaveLength(300);
		wf.restart();
		await reactivate(wf);
		expect((await wf.tick('init')).emitted).toBeNull();
		expect(emittedIds(wf).sort()).toEqual(injectedIds([...first, ...second]).sort());
		expect(ctx.sandbox.state.subscription(CLIENT, FEED).status).toBe('ACTIVE');
	});
});
