import { makeTransform } from '../../nodes/Athenahealth/common/records';
import {
	drain,
	type DrainOptions,
	type DrainResult,
	type RecoveryState,
} from '../../nodes/Athenahealth/drain';
import { REPLAY_CALL_BUDGET } from '../../nodes/Athenahealth/drain/replay';
import { getFeed } from '../../nodes/Athenahealth/feeds/catalog';
import { FakeFeed, classifyFake, noSleep } from './fakeFeed';

/**
 * Crash recovery against every answer athena's replay window may give (athena documents neither):
 * a window that also returns records still queued, and one that ignores `offset`. Each record is
 * emitted exactly once across the polls, and every replay is bounded.
 */

const feed = getFeed('appointments');
const fast = { baseDelayMs: 1, maxDelayMs: 5 };
const departments = (count: number) => Array.from({ length: count }, (_, index) => index + 1);
const ids = (items: Array<Record<string, unknown>>) =>
	items.map((item) => String(item.appointmentid));

function options(fake: FakeFeed, extra: Partial<DrainOptions> = {}): DrainOptions {
	return {
		fetchPage: fake.fetchPage,
		classify: classifyFake,
		transform: makeTransform({ feed: feed.id, practiceId: 195900 }),
		sleep: noSleep,
		now: () => fake.now,
		feed,
		retry: fast,
		...extra,
	};
}

/** Polls that hand on their saved state; `lost` polls' results and state are thrown away (a crash). */
class Polls {
	state: RecoveryState;
	emitted: string[] = [];
	results: DrainResult[] = [];

	constructor(
		readonly fake: FakeFeed,
		readonly extra: Partial<DrainOptions> = {},
	) {
		this.state = { windowStart: Math.floor(fake.now / 1000) * 1000 - 1000 };
	}

	async poll({ lost = false, memoryLost = false } = {}): Promise<DrainResult> {
		const result = await drain(
			options(this.fake, { recovery: { state: this.state, replay: memoryLost }, ...this.extra }),
		);
		this.results.push(result);
		if (!lost) {
			this.emitted.push(...ids(result.items));
			this.state = result.recovery!;
		}
		this.fake.now += 5_000;
		return result;
	}

	expectExactlyOnce(injected: Array<Record<string, unknown>>) {
		const repeated = this.emitted.filter((id, index) => this.emitted.indexOf(id) !== index);
		expect({ repeated: repeated.length, emitted: this.emitted.length }).toEqual({
			repeated: 0,
			emitted: injected.length,
		});
		expect(new Set(this.emitted)).toEqual(new Set(ids(injected)));
		expect(this.fake.queue).toHaveLength(0);
		expect(this.fake.violations).toBe(0);
	}
}

describe('a replay window that also returns records still queued', () => {
	test("the same poll's drain drops what the replay emitted: every record once", async () => {
		const fake = new FakeFeed();
		fake.replayIncludesQueued = true;
		const polls = new Polls(fake, { departmentIds: departments(40) });
		const injected = fake.add(600, departments(40));
		await polls.poll();
		injected.push(...fake.add(900, departments(40)));
		await polls.poll({ lost: true });
		// Queued while n8n was down: the replay after the restart returns them with the lost ones.
		injected.push(...fake.add(700, departments(40)));
		const after = await polls.poll({ memoryLost: true });
		expect(after.stats.recovered).toBe(1600);
		expect(after.stats.duplicates).toBeGreaterThanOrEqual(700);
		// Another restart right away: the drain's reads of what the replay had emitted are part of
		// its tail, so this replay recognises them too.
		await polls.poll({ memoryLost: true });
		await polls.poll();
		polls.expectExactlyOnce(injected);
	});

	test("what the replay emitted and the drain did not reach is dropped by a later poll's drain", async () => {
		const fake = new FakeFeed();
		fake.replayIncludesQueued = true;
		// Max Records 400: the replay takes at most half, the drain the rest; the queue outlasts the poll.
		const polls = new Polls(fake, { departmentIds: departments(10), maxRecords: 400 });
		const injected = fake.add(300, departments(10));
		await polls.poll();
		injected.push(...fake.add(1500, departments(10)));
		// The replay answers (its three pages: the first poll's tail, then queued records up to half
		// of Max Records); then athena fails the drain until it gives up.
		fake.faults = [
			undefined,
			undefined,
			undefined,
			'http500',
			'http500',
			'http500',
			'http500',
			'http500',
		];
		const restarted = await polls.poll({ memoryLost: true });
		expect(restarted.error).toBeDefined();
		expect(restarted.items).toHaveLength(200);
		expect(Object.values(restarted.recovery!.pending ?? {}).flat()).toHaveLength(200);
		for (let poll = 0; poll < 12 && fake.queue.length > 0; poll++) await polls.poll();
		await polls.poll();
		polls.expectExactlyOnce(injected);
		// Once a drain returned them, nothing is left pending.
		expect(polls.state.pending).toBeUndefined();
	});
});

describe('a replay that ignores offset', () => {
	test('a page that repeats the previous one ends the paging; the window is split by time and read whole', async () => {
		const fake = new FakeFeed();
		fake.replayIgnoresOffset = true;
		// One call a second: the lost drain's 3500 records of one batch are spread over four seconds.
		fake.stepMs = 1000;
		const polls = new Polls(fake, { departmentIds: departments(5) });
		const injected = fake.add(3500, departments(5));
		await polls.poll({ lost: true });
		const after = await polls.poll({ memoryLost: true });
		expect(after.stats.recovered).toBe(3500);
		expect(after.stats.splits).toBeGreaterThan(0);
		// Bounded: never more replay calls than its budget.
		expect(after.stats.calls.replay).toBeLessThanOrEqual(REPLAY_CALL_BUDGET);
		polls.expectExactlyOnce(injected);
	});

	test('more records processed in one second than a page: the rest cannot be read, the replay stops and says so', async () => {
		const fake = new FakeFeed();
		fake.replayIgnoresOffset = true;
		fake.stepMs = 1;
		const polls = new Polls(fake, { departmentIds: [1] });
		fake.add(2500, [1]);
		await polls.poll({ lost: true });
		const after = await polls.poll({ memoryLost: true });
		expect(after.stats.recovered).toBe(1000);
		// The window (a minute) is halved until one second is left: about two calls a halving.
		expect(after.stats.calls.replay).toBeLessThanOrEqual(20);
		expect(after.notes.join('\n')).toMatch(/cannot be read again/);
		// Not owed again: asking the next poll would meet the same page.
		expect(after.recovery!.owed).toBeUndefined();
	});
});

describe('a replay has a budget of its own', () => {
	test('a window larger than the budget: the drain still runs, and the owed replay goes on from where it stopped', async () => {
		const fake = new FakeFeed();
		const polls = new Polls(fake, { departmentIds: [1] });
		const injected = fake.add(REPLAY_CALL_BUDGET * 1000 + 2500, [1]);
		await polls.poll({ lost: true });
		injected.push(...fake.add(300, [1]));
		const first = await polls.poll({ memoryLost: true });
		expect(first.stats.calls.replay).toBe(REPLAY_CALL_BUDGET);
		expect(first.notes.join('\n')).toMatch(/budget of 40 calls/);
		// The drain ran: the records queued meanwhile are out.
		expect(first.stats.fetched).toBe(300);
		expect(first.recovery!.owed).toEqual([
			{
				departmentIds: [1],
				from: expect.any(Number),
				to: expect.any(Number),
				offset: REPLAY_CALL_BUDGET * 1000,
			},
		]);
		const second = await polls.poll();
		expect(second.stats.calls.replay).toBe(3);
		expect(second.recovery!.owed).toBeUndefined();
		polls.expectExactlyOnce(injected);
	});

	test('both switches at once, with faults: every record once', async () => {
		const fake = new FakeFeed();
		fake.replayIncludesQueued = true;
		fake.replayIgnoresOffset = true;
		fake.stepMs = 400;
		let call = 0;
		fake.faultFor = () =>
			++call % 7 === 0 ? 'dropAfterProcessing' : call % 11 === 0 ? 'http429' : undefined;
		const polls = new Polls(fake, { departmentIds: departments(30), maxRecords: 2000 });
		const injected = fake.add(500, departments(30));
		await polls.poll();
		injected.push(...fake.add(2500, departments(30)));
		await polls.poll({ lost: true });
		injected.push(...fake.add(1200, departments(30)));
		await polls.poll({ memoryLost: true });
		for (let poll = 0; poll < 10 && (fake.queue.length > 0 || polls.state.owed); poll++)
			await polls.poll();
		fake.faultFor = () => undefined;
		await polls.poll();
		polls.expectExactlyOnce(injected);
	});
});
