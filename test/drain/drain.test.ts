import { makeTransform } from '../../nodes/Athenahealth/common/records';
import { drain, peek, type DrainOptions, type RecoveryState } from '../../nodes/Athenahealth/drain';
import { getFeed } from '../../nodes/Athenahealth/feeds/catalog';
import { FakeFeed, classifyFake, noSleep } from './fakeFeed';

const feed = getFeed('appointments');
const departments = (count: number) => Array.from({ length: count }, (_, index) => index + 1);
const fast = { baseDelayMs: 1, maxDelayMs: 5 };

function options(fake: FakeFeed, extra: Partial<DrainOptions> = {}): DrainOptions {
	return {
		fetchPage: fake.fetchPage,
		classify: classifyFake,
		transform: makeTransform({ feed: feed.id, practiceId: 195900 }),
		sleep: noSleep,
		feed,
		retry: fast,
		...extra,
	};
}

const ids = (items: Array<Record<string, unknown>>) =>
	items.map((item) => item.appointmentid as number);

/** The seed's minimum: per batch of <= 20 departments, floor(n / 1000) + 1 calls. */
function minimumCalls(perBatch: number[]): number {
	return perBatch.reduce((sum, n) => sum + Math.floor(n / 1000) + 1, 0);
}

describe('drain', () => {
	test('drains a backlog over 100 departments completely with the minimum number of calls', async () => {
		const fake = new FakeFeed();
		fake.add(12_345, departments(100));
		const result = await drain(options(fake, { departmentIds: departments(100) }));
		expect(result.items).toHaveLength(12_345);
		expect(new Set(ids(result.items)).size).toBe(12_345);
		expect(fake.queue).toHaveLength(0);
		const perBatch = [0, 1, 2, 3, 4].map((batch) => 12_345 / 5 + (batch < 0 ? 1 : 0));
		expect(result.stats.calls.drain).toBe(minimumCalls(perBatch.map(Math.floor)));
		expect(result.stats.batches).toBe(5);
		expect(result.error).toBeUndefined();
		expect(fake.violations).toBe(0);
	});

	test('never two calls for one department, at most `concurrency` at once, the first call alone', async () => {
		const fake = new FakeFeed();
		fake.add(9000, departments(200));
		await drain(options(fake, { departmentIds: departments(200), concurrency: 3 }));
		expect(fake.violations).toBe(0);
		expect(fake.maxInFlight).toBe(3);
		// 900 records per batch of 20 departments: one short page each.
		expect(fake.requests).toHaveLength(10);

		const alone = new FakeFeed();
		let inFlightAtFirst = -1;
		const original = alone.fetchPage;
		let calls = 0;
		let busy = 0;
		alone.fetchPage = async (request) => {
			calls++;
			busy++;
			if (calls === 2) inFlightAtFirst = busy;
			try {
				return await original(request);
			} finally {
				busy--;
			}
		};
		alone.add(100, departments(100));
		await drain(options(alone, { departmentIds: departments(100) }));
		expect(inFlightAtFirst).toBe(1);
	});

	test('the whole practice is one call at a time, never following next', async () => {
		const fake = new FakeFeed();
		fake.add(2500, departments(30));
		const result = await drain(options(fake));
		expect(result.items).toHaveLength(2500);
		expect(fake.requests.map((request) => request.limit)).toEqual([1000, 1000, 1000]);
		expect(
			fake.requests.every(
				(request) => request.departmentIds === undefined && request.replay === undefined,
			),
		).toBe(true);
		expect(fake.maxInFlight).toBe(1);
	});

	test('max records per drain: asks for limit = min(1000, remaining) and leaves the rest queued', async () => {
		const fake = new FakeFeed();
		fake.add(5000, departments(60));
		const result = await drain(options(fake, { departmentIds: departments(60), maxRecords: 2500 }));
		expect(result.items).toHaveLength(2500);
		expect(result.stoppedBy).toBe('maxRecords');
		expect(fake.queue).toHaveLength(2500);
		expect(fake.requests.reduce((sum, request) => sum + request.limit, 0)).toBe(2500);
		const rest = await drain(options(fake, { departmentIds: departments(60) }));
		expect(rest.items).toHaveLength(2500);
		expect(new Set([...ids(result.items), ...ids(rest.items)]).size).toBe(5000);
	});

	test('the poll budget stops the drain before the next call, leaving the rest queued', async () => {
		const fake = new FakeFeed();
		fake.add(10_000, departments(20));
		let clock = 0;
		const result = await drain(
			options(fake, {
				departmentIds: departments(20),
				now: () => clock,
				deadline: 3500,
				fetchPage: async (request) => {
					clock += 1000;
					return await fake.fetchPage(request);
				},
			}),
		);
		// Each call took 1 s; the next would start at 3 s with 1.5 s of headroom needed: not sent.
		expect(result.stoppedBy).toBe('budget');
		expect(result.stats.calls.drain).toBe(3);
		expect(result.items).toHaveLength(3000);
		expect(fake.queue).toHaveLength(7000);
	});

	test('a failure after retries returns everything already fetched, plus the error', async () => {
		const fake = new FakeFeed();
		fake.add(3000, [1]);
		fake.faultFor = (request, call) => (call >= 3 && !request.replay ? 'http500' : undefined);
		const result = await drain(
			options(fake, { departmentIds: [1], retry: { ...fast, maxAttempts: 3 } }),
		);
		expect(result.items).toHaveLength(2000);
		expect((result.error as { httpCode: string }).httpCode).toBe('500');
		expect(result.stats.retries).toBe(2);
		// A 500 may have removed records: the stretch was read again, and nothing was missing.
		expect(result.stats.calls.catchUp).toBeGreaterThanOrEqual(1);
		expect(result.stats.recovered).toBe(0);
		expect(result.stats.duplicates).toBe(2000);
		expect(fake.queue).toHaveLength(1000);
	});

	test('a fatal error stops the other batches and is reported', async () => {
		const fake = new FakeFeed();
		fake.add(100, departments(100));
		fake.faults = ['http403'];
		const result = await drain(options(fake, { departmentIds: departments(100) }));
		expect(result.items).toHaveLength(0);
		expect((result.error as { httpCode: string }).httpCode).toBe('403');
		expect(fake.requests).toHaveLength(1);
	});

	test('429 is retried without suspicion; a dropped answer is caught up by a replay in the same drain', async () => {
		const fake = new FakeFeed();
		const added = fake.add(2500, [1, 2]);
		fake.faults = [undefined, 'http429', 'dropAfterProcessing'];
		const result = await drain(options(fake, { departmentIds: [1, 2] }));
		expect(result.error).toBeUndefined();
		expect(new Set(ids(result.items))).toEqual(
			new Set(added.map((record) => Number(record.appointmentid))),
		);
		expect(result.items).toHaveLength(2500);
		expect(result.stats.calls.catchUp).toBeGreaterThanOrEqual(1);
		expect(result.stats.recovered).toBe(1000);
		expect(
			result.items.filter((item) => (item._athena as { replayed: boolean }).replayed),
		).toHaveLength(1000);
	});

	test('peek reads with leaveunprocessed, batch after batch, up to the limit', async () => {
		const fake = new FakeFeed();
		fake.add(30, departments(40));
		const result = await peek({
			fetchPage: fake.fetchPage,
			classify: classifyFake,
			transform: makeTransform({ feed: feed.id, practiceId: 1 }),
			sleep: noSleep,
			departmentIds: departments(40),
			limit: 5,
		});
		expect(result.items).toHaveLength(5);
		expect(fake.queue).toHaveLength(30);
		expect(fake.requests.every((request) => request.leaveUnprocessed)).toBe(true);
	});
});

describe('crash recovery', () => {
	async function saved(
		fake: FakeFeed,
		state: RecoveryState,
		replay: boolean,
		extra: Partial<DrainOptions> = {},
	) {
		const result = await drain(
			options(fake, { departmentIds: departments(40), recovery: { state, replay }, ...extra }),
		);
		return result;
	}

	test('a drain whose result was lost is replayed: nothing lost, nothing twice', async () => {
		const fake = new FakeFeed();
		const anchor: RecoveryState = { windowStart: Math.floor(fake.now / 1000) * 1000 - 1000 };
		fake.add(300, departments(40));
		const first = await saved(fake, anchor, false);
		expect(first.items).toHaveLength(300);
		fake.now += 30_000;
		fake.add(200, departments(40));
		const crashed = await saved(fake, first.recovery!, false);
		expect(crashed.items).toHaveLength(200);
		fake.now += 30_000;
		fake.add(50, departments(40));
		// The crashed drain's result and state are gone: the next one starts from `first`'s state.
		const next = await saved(fake, first.recovery!, true);
		expect(ids(next.items).sort((a, b) => a - b)).toEqual(
			[
				...ids(crashed.items),
				...fake.processed.slice(-50).map((entry) => Number(entry.record.appointmentid)),
			].sort((a, b) => a - b),
		);
		expect(next.stats.recovered).toBe(200);
		expect(next.stats.calls.replay).toBe(2);
		expect(fake.violations).toBe(0);
	});

	test('the tail of the saved drain is fingerprinted and dropped when a replay reads it again', async () => {
		const fake = new FakeFeed();
		fake.add(100, departments(40));
		const first = await saved(
			fake,
			{ windowStart: Math.floor(fake.now / 1000) * 1000 - 1000 },
			false,
		);
		const prints = Object.values(first.recovery!.recent!).flat();
		expect(prints).toHaveLength(100);
		expect(first.recovery!.guardUntil).toBeUndefined();
		// Same second: the replay window starts before the tail, which comes back and is recognised.
		const next = await saved(fake, first.recovery!, true);
		expect(next.items).toHaveLength(0);
		expect(next.stats.duplicates).toBe(100);
	});

	test('a tail above the fingerprint cap moves the window past it and sets a guard instead', async () => {
		const fake = new FakeFeed();
		fake.stepMs = 0;
		fake.add(5000, departments(40));
		const first = await saved(
			fake,
			{ windowStart: Math.floor(fake.now / 1000) * 1000 - 1000 },
			false,
		);
		expect(first.items).toHaveLength(5000);
		const { windowStart, guardUntil, recent } = first.recovery!;
		expect(recent).toEqual({});
		expect(guardUntil).toBeGreaterThan(windowStart!);
		expect(windowStart).toBeGreaterThan(fake.now);
		// The next drain waits for athena's clock to pass the guard before removing anything.
		let slept = 0;
		fake.add(10, departments(40));
		const sleep = async (ms: number) => {
			slept += ms;
			fake.now += ms;
		};
		const next = await saved(fake, first.recovery!, true, {
			sleep,
			clockOffsetMs: 0,
			now: () => fake.now,
		});
		expect(slept).toBeGreaterThan(0);
		expect(next.items).toHaveLength(10);
		expect(next.stats.duplicates).toBe(0);
		expect(fake.processed.slice(-10).every((entry) => entry.processedAt! >= windowStart!)).toBe(
			true,
		);
	});

	test('a lost first call is caught up from the saved window, not from earlier drains', async () => {
		const fake = new FakeFeed();
		const now = () => fake.now;
		const run = async (state: RecoveryState) =>
			await drain(options(fake, { departmentIds: [1], now, recovery: { state, replay: false } }));
		fake.add(100, [1]);
		const first = await run({
			windowStart: Math.floor(fake.now / 1000) * 1000 - 1000,
			clockOffsetMs: 0,
		});
		fake.now += 3000;
		fake.add(5, [1]);
		const second = await run(first.recovery!);
		fake.now += 3000;
		fake.add(10, [1]);
		// The third drain's very first call answers 500: athena may have removed a page.
		fake.faults = ['http500'];
		const third = await run(second.recovery!);
		expect(third.stats.calls.catchUp).toBe(1);
		expect(third.items).toHaveLength(10);
		expect(first.items.length + second.items.length + third.items.length).toBe(115);
	});

	test('a lost page that cannot be read again in the drain leaves a replay owed', async () => {
		const fake = new FakeFeed();
		fake.add(1500, [1]);
		const anchor = { windowStart: Math.floor(fake.now / 1000) * 1000 - 1000 };
		// The drain gives up after a lost answer, and so does its catch-up.
		fake.faults = ['dropAfterProcessing', 'http500', 'http500', 'http500'];
		const now = () => fake.now;
		const first = await drain(
			options(fake, {
				departmentIds: [1],
				now,
				recovery: { state: anchor, replay: false },
				retry: { ...fast, maxAttempts: 2 },
			}),
		);
		expect(first.error).toBeDefined();
		expect(first.recovery!.owed).toEqual([
			{ departmentIds: [1], from: expect.any(Number), to: expect.any(Number) },
		]);
		fake.now += 30_000;
		const next = await drain(
			options(fake, {
				departmentIds: [1],
				now,
				recovery: { state: first.recovery!, replay: false },
			}),
		);
		const all = new Set([...ids(first.items), ...ids(next.items)]);
		expect(all.size).toBe(1500);
		expect(first.items.length + next.items.length).toBe(1500);
		expect(next.recovery!.owed).toBeUndefined();
	});
});
