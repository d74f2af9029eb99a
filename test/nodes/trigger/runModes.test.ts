import { ACTIVATION_BUDGET_MS } from '../../../nodes/Athenahealth/trigger/poll';
import { twentyPercentFaults } from '../../sandbox';
import {
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

/**
 * The trigger in the ways n8n 2.41 runs it: the activation poll (on activation and at start-up)
 * ends well inside n8n's publication deadline whatever waits in athena and however athena
 * answers; with the durable scheduler every poll runs on a fresh context, may overlap another or
 * be abandoned, and still every record starts one execution.
 */

const ctx = useSandbox();
const DEPARTMENTS = range(1, 30);

/** About one request in five fails (the sandbox's twentyPercentFaults), answers slowed by 2 ms. */
const TWENTY_PERCENT = twentyPercentFaults(2);

function expectExactlyOnce(ids: number[], injected: Array<Record<string, unknown>>) {
	const repeated = ids.filter((id, index) => ids.indexOf(id) !== index);
	expect({ repeated: repeated.length, emitted: ids.length }).toEqual({
		repeated: 0,
		emitted: injected.length,
	});
	expect(new Set(ids)).toEqual(new Set(injectedIds(injected)));
	expect(queued(ctx.sandbox)).toBe(0);
	expect(ctx.sandbox.stats().violations.concurrentChanged).toBe(0);
}

describe('the activation poll', () => {
	test('a restart with 20,000 records waiting and 20% faults: activation reads nothing and ends at once; the ticks deliver every record once', async () => {
		const wf = workflow(ctx, { departmentIds: DEPARTMENTS.map(String) });
		await activate(wf);
		const injected = ctx.sandbox.inject({ feed: FEED, count: 500, departmentIds: DEPARTMENTS });
		expect((await wf.tick()).emitted).toHaveLength(500);
		wf.restart();
		injected.push(...ctx.sandbox.inject({ feed: FEED, count: 20_000, departmentIds: DEPARTMENTS }));
		ctx.sandbox.setFaults(TWENTY_PERCENT);

		const reads = changedRequests(ctx.sandbox).length;
		const started = Date.now();
		await reactivate(wf);
		expect(Date.now() - started).toBeLessThan(ACTIVATION_BUDGET_MS);
		expect(changedRequests(ctx.sandbox)).toHaveLength(reads);

		// Scheduled ticks: some fail visibly (failed executions); the workflow stays active and polls on.
		for (let tick = 0; tick < 20 && queued(ctx.sandbox) > 0; tick++) await wf.tick('init');
		ctx.sandbox.setFaults({ seed: 1, rules: [] });
		await wf.tick('init');
		expect(ctx.sandbox.stats().faults.dropAfterProcessing).toBeGreaterThan(0);
		expectExactlyOnce(emittedIds(wf), injected);
	});

	test('a new trigger while athena answers nothing in time: activation returns at its bound, and later polls mark the window and drain', async () => {
		const wf = workflow(ctx, { departmentIds: ['1', '2'] });
		ctx.sandbox.setFaults({
			seed: 2,
			rules: [{ route: 'subscription', latencyMs: ACTIVATION_BUDGET_MS + 5_000 }],
		});
		const started = Date.now();
		const outcome = await wf.tick();
		const took = Date.now() - started;
		expect(outcome.error).toBeNull();
		expect(took).toBeGreaterThanOrEqual(ACTIVATION_BUDGET_MS - 100);
		expect(took).toBeLessThan(ACTIVATION_BUDGET_MS + 2_000);
		ctx.sandbox.setFaults({ seed: 2, rules: [] });
		// The late answer of the slow call may still subscribe; the ticks carry on either way.
		const injected: Array<Record<string, unknown>> = [];
		for (
			let tick = 0;
			tick < 6 &&
			wf.staticData.drain &&
			!(wf.staticData.drain as { windowStart?: number }).windowStart;
			tick++
		)
			await wf.tick();
		await wf.tick();
		injected.push(...ctx.sandbox.inject({ feed: FEED, count: 40, departmentIds: [1, 2] }));
		await wf.tick();
		expectExactlyOnce(emittedIds(wf), injected);
	}, 60_000);

	test('athena failing every call during activation: the activation succeeds (the failure is logged), the ticks take over', async () => {
		const wf = workflow(ctx, { departmentIds: ['5'] });
		ctx.sandbox.setFaults({ seed: 3, rules: [{ route: '*', rate503: 1 }] });
		const started = Date.now();
		const outcome = await wf.tick();
		expect(outcome.error).toBeNull();
		expect(Date.now() - started).toBeLessThan(ACTIVATION_BUDGET_MS);
		ctx.sandbox.setFaults({ seed: 3, rules: [] });
		for (let tick = 0; tick < 4; tick++) expect((await wf.tick()).error).toBeNull();
		const injected = ctx.sandbox.inject({ feed: FEED, count: 25, departmentIds: [5] });
		await wf.tick();
		expectExactlyOnce(emittedIds(wf), injected);
	});
});

describe('the durable scheduler: a fresh context per poll', () => {
	async function durableActivation(departments: number[]) {
		const wf = workflow(ctx, { departmentIds: departments.map(String) });
		// The scheduler registers the poll job and runs the activation poll once, then polls on its own.
		await activate(wf, 1);
		for (let poll = 0; poll < 2; poll++) expect((await wf.durableTick()).emitted).toBeNull();
		return wf;
	}

	test('polls on fresh contexts drain everything once, within the scheduler budget', async () => {
		const wf = await durableActivation(DEPARTMENTS);
		const injected = ctx.sandbox.inject({ feed: FEED, count: 12_000, departmentIds: DEPARTMENTS });
		ctx.sandbox.setFaults(TWENTY_PERCENT);
		for (let poll = 0; poll < 20 && queued(ctx.sandbox) > 0; poll++) {
			const started = Date.now();
			await wf.durableTick();
			expect(Date.now() - started).toBeLessThan(36_000);
		}
		ctx.sandbox.setFaults({ seed: 1, rules: [] });
		await wf.durableTick();
		expectExactlyOnce(emittedIds(wf), injected);
	}, 120_000);

	test('a poll that runs twice at once: the second backs off; nothing twice', async () => {
		const wf = await durableActivation(DEPARTMENTS);
		const injected = ctx.sandbox.inject({ feed: FEED, count: 3000, departmentIds: DEPARTMENTS });
		ctx.sandbox.setFaults({ seed: 5, rules: [{ route: 'changed', latencyMs: 20 }] });
		const both = await Promise.all([wf.durableTick(), wf.durableTick()]);
		expect(both.filter((outcome) => outcome.emitted !== null)).toHaveLength(1);
		ctx.sandbox.setFaults({ seed: 5, rules: [] });
		// The same poll run again after it finished: harmless.
		await wf.durableTick();
		await wf.durableTick();
		expectExactlyOnce(emittedIds(wf), injected);
	});

	test('an abandoned poll (its result discarded after it drained) is recovered by the next poll', async () => {
		const wf = await durableActivation(DEPARTMENTS);
		const injected = ctx.sandbox.inject({ feed: FEED, count: 2500, departmentIds: DEPARTMENTS });
		const abandoned = await wf.durableTick({ abandon: true });
		expect(abandoned.emitted).toBeNull();
		expect(queued(ctx.sandbox)).toBe(0);
		injected.push(...ctx.sandbox.inject({ feed: FEED, count: 300, departmentIds: DEPARTMENTS }));
		const next = await wf.durableTick();
		expect(next.emitted).toHaveLength(2800);
		await wf.durableTick();
		expectExactlyOnce(emittedIds(wf), injected);
	});
});
