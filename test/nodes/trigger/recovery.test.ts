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

describe('athenahealth Trigger: nothing fetched is ever lost', () => {
	test('a poll whose result n8n never saved is recovered by the next poll: none lost, none twice', async () => {
		const departments = range(1, 50);
		const wf = workflow(ctx, { departmentIds: departments.map(String) });
		await activate(wf);
		const first = ctx.sandbox.inject({ feed: FEED, count: 400, departmentIds: departments });
		expect((await wf.tick()).emitted).toHaveLength(400);

		const lost = ctx.sandbox.inject({ feed: FEED, count: 900, departmentIds: departments });
		const discarded = await wf.crashAfterPoll();
		expect(discarded).toHaveLength(900);
		expect(queued(ctx.sandbox)).toBe(0);

		const later = ctx.sandbox.inject({ feed: FEED, count: 100, departmentIds: departments });
		const before = changedRequests(ctx.sandbox).length;
		// n8n re-activates the workflow: that poll reads nothing; the first tick replays and drains.
		await reactivate(wf);
		expect(changedRequests(ctx.sandbox)).toHaveLength(before);
		const { emitted, error } = await wf.tick('init');
		expect(error).toBeNull();
		expect(emitted).toHaveLength(1000);
		expect(
			emitted!.filter((item) => (item.json[META_KEY] as { replayed: boolean }).replayed),
		).toHaveLength(900);
		const ids = emittedIds(wf);
		expect(ids).toHaveLength(1400);
		expect(new Set(ids)).toEqual(new Set(injectedIds([...first, ...lost, ...later])));
		// Replay: one call per batch of 20 departments (3), before the drain's own 3.
		const calls = changedRequests(ctx.sandbox).slice(before);
		expect(calls.filter((entry) => entry.path.includes('showprocessedstartdatetime'))).toHaveLength(
			3,
		);
		expect(calls).toHaveLength(6);
		expect(ctx.sandbox.stats().violations.concurrentChanged).toBe(0);

		// Memory survives from here on: no more replays.
		const after = changedRequests(ctx.sandbox).length;
		expect((await wf.tick()).emitted).toBeNull();
		expect(
			changedRequests(ctx.sandbox)
				.slice(after)
				.some((entry) => entry.path.includes('showprocessed')),
		).toBe(false);
	});

	test('crashes back to back, then a restart: the window covers them all', async () => {
		const wf = workflow(ctx);
		await activate(wf);
		const injected = [];
		for (let crash = 1; crash <= 3; crash++) {
			injected.push(...ctx.sandbox.inject({ feed: FEED, count: 150 }));
			// Each poll after a crash replays what the crashed ones read, then reads the new records.
			expect(await wf.crashAfterPoll()).toHaveLength(150 * crash);
		}
		wf.restart();
		await reactivate(wf);
		expect((await wf.tick('init')).emitted).toHaveLength(450);
		expect(emittedIds(wf).sort()).toEqual(injectedIds(injected).sort());
	});

	test('faults mid-drain (429 with and without Retry-After, 500, 503, dropped connections before and after processing) lose nothing', async () => {
		const departments = range(1, 100);
		const wf = workflow(ctx, { departmentIds: departments.map(String) });
		await activate(wf);
		const records = ctx.sandbox.inject({ feed: FEED, count: 1800, departmentIds: departments });
		ctx.sandbox.setFaults({
			seed: 1,
			rules: [
				{
					route: 'changed',
					rate429: 0.05,
					rate429RetryAfter: 0.05,
					retryAfterSeconds: 0,
					rate500: 0.04,
					rate503: 0.04,
					rateDrop: 0.04,
					rateDropAfterProcessing: 0.08,
					latencyMs: 5,
				},
			],
		});
		for (let poll = 0; poll < 15 && (queued(ctx.sandbox) > 0 || poll < 2); poll++) await wf.tick();
		ctx.sandbox.setFaults({ seed: 7, rules: [] });
		await wf.tick();

		const faults = ctx.sandbox.stats().faults;
		expect(faults.dropAfterProcessing).toBeGreaterThan(0);
		expect((faults.http429 ?? 0) + (faults.http429RetryAfter ?? 0)).toBeGreaterThan(0);
		expect(queued(ctx.sandbox)).toBe(0);
		const ids = emittedIds(wf);
		expect(new Set(ids)).toEqual(new Set(injectedIds(records)));
		expect(ids).toHaveLength(1800);
		expect(ctx.sandbox.stats().violations.concurrentChanged).toBe(0);
	});

	test('a call that keeps failing: the records already read start an execution, then the poll fails visibly', async () => {
		const wf = workflow(ctx, {
			departmentIds: range(1, 40).map(String),
			options: { parallelBatches: 1 },
		});
		await activate(wf);
		const records = ctx.sandbox.inject({ feed: FEED, count: 1500, departmentIds: range(1, 40) });
		// The first two pages come back; then athena refuses every call (429 with Retry-After: 0).
		const refuseAfter = (answered: number) => {
			const timer = setInterval(() => {
				if ((ctx.sandbox.stats().counters.changed?.byStatus['200'] ?? 0) < answered) return;
				ctx.sandbox.setFaults({
					seed: 3,
					rules: [{ route: 'changed', rate429RetryAfter: 1, retryAfterSeconds: 0 }],
				});
				clearInterval(timer);
			}, 0);
			return timer;
		};
		ctx.sandbox.setFaults({ seed: 3, rules: [{ route: 'changed', latencyMs: 30 }] });
		const before = ctx.sandbox.stats().counters.changed.byStatus['200'] ?? 0;
		const timer = refuseAfter(before + 1);
		const outcome = await wf.tick();
		clearInterval(timer);
		expect(outcome.error!.message).toMatch(/rate limit/);
		expect((outcome.error as { description?: string }).description).toMatch(
			/records read before the failure started their own execution/,
		);
		expect(outcome.emitted!.length).toBeGreaterThan(0);
		expect(wf.failedExecutions).toHaveLength(1);
		expect(queued(ctx.sandbox)).toBe(1500 - outcome.emitted!.length);

		ctx.sandbox.setFaults({ seed: 3, rules: [] });
		await wf.tick();
		expect(new Set(emittedIds(wf))).toEqual(new Set(injectedIds(records)));
		expect(emittedIds(wf)).toHaveLength(1500);
	});

	test('a lost page athena will not give back in the same poll is owed and replayed by the next', async () => {
		const wf = workflow(ctx, { departmentIds: range(1, 20).map(String) });
		await activate(wf);
		const records = ctx.sandbox.inject({ feed: FEED, count: 1200, departmentIds: range(1, 20) });
		// The first read is removed but its answer lost; then athena refuses every call until the poll gives up.
		ctx.sandbox.setFaults({ seed: 9, rules: [{ route: 'changed', rateDropAfterProcessing: 1 }] });
		const timer = setInterval(() => {
			if (!ctx.sandbox.stats().faults.dropAfterProcessing) return;
			ctx.sandbox.setFaults({
				seed: 9,
				rules: [{ route: 'changed', rate429RetryAfter: 1, retryAfterSeconds: 0 }],
			});
			clearInterval(timer);
		}, 0);
		const outcome = await wf.tick();
		clearInterval(timer);
		expect(outcome.error).not.toBeNull();
		expect(queued(ctx.sandbox)).toBe(200);
		ctx.sandbox.setFaults({ seed: 9, rules: [] });
		const next = await wf.tick();
		expect(next.error).toBeNull();
		expect(new Set(emittedIds(wf))).toEqual(new Set(injectedIds(records)));
		expect(emittedIds(wf)).toHaveLength(1200);
	});

	test('a token that expires mid-drain is replaced once and the drain goes on', async () => {
		const wf = workflow(ctx, { departmentIds: range(1, 100).map(String) });
		await activate(wf);
		const records = ctx.sandbox.inject({ feed: FEED, count: 3000, departmentIds: range(1, 100) });
		// The first call goes alone and answers after 60 ms; the token dies while it is in flight.
		ctx.sandbox.setFaults({ seed: 4, rules: [{ route: 'changed', latencyMs: 60 }] });
		const issued = ctx.sandbox.stats().tokensIssued;
		const timer = setTimeout(() => ctx.sandbox.expireTokens(), 30);
		const { emitted, error } = await wf.tick();
		clearTimeout(timer);
		expect(error).toBeNull();
		expect(emitted).toHaveLength(3000);
		expect(new Set(emittedIds(wf))).toEqual(new Set(injectedIds(records)));
		// Every batch in flight met a 401; they shared one new token.
		expect(ctx.sandbox.stats().counters.changed.byStatus['401']).toBeGreaterThanOrEqual(1);
		expect(ctx.sandbox.stats().tokensIssued - issued).toBe(1);
	});
});

describe('athenahealth Trigger: subscriptions, events and departments', () => {
	test('not subscribed and Subscribe Automatically off: a clear error naming the feed and the fix', async () => {
		const wf = workflow(ctx, { feed: 'labresults', options: { autoSubscribe: false } });
		const { error, emitted } = await wf.tick();
		expect(emitted).toBeNull();
		expect(error!.message).toBe(
			'The Athenahealth feed "Lab Results" (labresults) is not subscribed for this API client',
		);
		expect((error as { description?: string }).description).toMatch(/Subscribe Automatically/);
		expect(ctx.sandbox.state.subscription(CLIENT, 'labresults').status).toBe('INACTIVE');
	});

	test('a 403 on /changed is handled both ways', async () => {
		const wf = workflow(ctx, { options: { crashRecovery: false } });
		await activate(wf, 1);
		expect(ctx.sandbox.state.subscription(CLIENT, FEED).status).toBe('ACTIVE');
		// Someone removes the subscription behind the trigger's back: the read answers 403.
		ctx.sandbox.reset();
		const off = workflow(ctx, { options: { crashRecovery: false, autoSubscribe: false } });
		off.persisted = wf.persisted;
		off.restart();
		await reactivate(off);
		const refused = await off.tick('init');
		expect(refused.error!.message).toMatch(/"Appointments" \(appointments\) is not subscribed/);
		// athena still refuses half an hour after the trigger subscribed: it subscribes again.
		const state = (
			off.persisted['node:Athenahealth Trigger'] as {
				drain: { subscription: { subscribedAt: number } };
			}
		).drain;
		state.subscription.subscribedAt -= 31 * 60_000;
		wf.persisted = off.persisted;
		wf.restart();
		await reactivate(wf);
		const healed = await wf.tick('init');
		expect(healed.error).toBeNull();
		expect(ctx.sandbox.state.subscription(CLIENT, FEED).status).toBe('ACTIVE');
	});

	test('events to keep are subscribed one by one and named in the metadata', async () => {
		const wf = workflow(ctx, { events: ['CheckIn'], departmentIds: ['1', '2', '3'] });
		await activate(wf);
		expect(ctx.sandbox.state.subscription(CLIENT, FEED)).toEqual({
			status: 'PARTIAL',
			events: ['CheckIn'],
			departmentIds: ['1', '2', '3'],
		});
		const checkIns = ctx.sandbox.inject({
			feed: FEED,
			count: 20,
			event: 'CheckIn',
			departmentIds: [1, 2, 3],
		});
		ctx.sandbox.inject({
			feed: FEED,
			count: 20,
			event: 'ScheduleAppointment',
			departmentIds: [1, 2, 3],
		});
		const { emitted } = await wf.tick();
		expect(emittedIds(wf).sort()).toEqual(injectedIds(checkIns).sort());
		expect(
			emitted!.every((item) => (item.json[META_KEY] as { event: string }).event === 'CheckIn'),
		).toBe(true);
	});

	test('departments are respected: other departments stay queued', async () => {
		const { subscribeWholePractice } = await import('./helpers');
		await subscribeWholePractice(ctx.sandbox);
		const wf = workflow(ctx, { departmentIds: range(1, 25).map(String) });
		await activate(wf, 2);
		const mine = ctx.sandbox.inject({ feed: FEED, count: 250, departmentIds: range(1, 25) });
		ctx.sandbox.inject({ feed: FEED, count: 100, departmentIds: range(26, 30) });
		await wf.tick();
		expect(emittedIds(wf).sort()).toEqual(injectedIds(mine).sort());
		expect(queued(ctx.sandbox)).toBe(100);
		const asked = changedRequests(ctx.sandbox).flatMap((entry) => entry.departmentIds ?? []);
		expect(asked.every((id) => Number(id) <= 25)).toBe(true);
	});
});
