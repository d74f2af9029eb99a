import { META_KEY } from '../../../nodes/Athenahealth/drain';
import { CLIENT, FEED, activate, changedRequests, queued, useSandbox, workflow } from './helpers';

const ctx = useSandbox();

/** What the trigger does with athena's facts per feed (docs/athena-contract.md#the-feeds). */
describe('athenahealth Trigger: athena as recorded', () => {
	test('Stop Below Remaining Quota ends the drain cleanly: the rest stays queued, the quota is in the metadata', async () => {
		const wf = workflow(ctx, { options: { crashRecovery: false } });
		await activate(wf, 1);
		ctx.sandbox.inject({ feed: FEED, count: 2600 });
		// 5% of 50,000 is 2,500: the first answer reports fewer left, so no further call starts.
		ctx.sandbox.setQuotaRemaining(2000);
		const { emitted, error } = await wf.tick();
		expect(error).toBeNull();
		expect(emitted).toHaveLength(1000);
		expect(queued(ctx.sandbox)).toBe(1600);
		expect(emitted![0].json[META_KEY]).toMatchObject({ quota: { limit: 50000, remaining: 1999 } });

		// With the reserve at 0 the same trigger drains what is left.
		const all = workflow(ctx, { options: { crashRecovery: false, stopBelowQuota: 0 } });
		await activate(all, 1);
		expect((await all.tick()).emitted).toHaveLength(1600);
	});

	test('a quota used up is said so, with its reset, and not retried', async () => {
		const wf = workflow(ctx, { options: { crashRecovery: false } });
		await activate(wf, 1);
		ctx.sandbox.inject({ feed: FEED, count: 5 });
		const before = changedRequests(ctx.sandbox).length;
		ctx.sandbox.setQuotaRemaining(0);
		const { emitted, error } = await wf.tick();
		expect(emitted).toBeNull();
		expect(error?.message).toBe(
			"athena's daily request quota is used up (0 of 50000 left); it resets at midnight GMT",
		);
		expect((error as { failure?: { cause: string } }).failure?.cause).toBe('quota-exhausted');
		expect(changedRequests(ctx.sandbox).length - before).toBe(1);
		expect(queued(ctx.sandbox)).toBe(5);
	});

	test("a trigger that subscribes to everything records the events athena reports, not the catalog's", async () => {
		// athena's complete subscription holds an event the catalog does not know.
		ctx.sandbox.offerEvents(FEED, ['RescheduleAppointment']);
		const wf = workflow(ctx, { options: { crashRecovery: false } });
		await activate(wf, 1);
		const state = (wf.staticData as { drain?: { subscription?: { events: string[] } } }).drain;
		expect(state?.subscription?.events).toContain('RescheduleAppointment');
		expect(state?.subscription?.events).toEqual(
			ctx.sandbox.state.subscription(CLIENT, FEED).events,
		);
		expect(
			ctx.sandbox
				.stats()
				.requests.filter((entry) => entry.route === 'subscription')
				.map((entry) => entry.method),
		).toEqual(['GET', 'POST', 'GET']);
	});

	test("an optional event the trigger subscribes to goes with its flag, and athena's status is asked with it", async () => {
		const wf = workflow(ctx, {
			events: ['UpdateSuggestedOverbooking'],
			options: { crashRecovery: false },
		});
		await activate(wf, 1);
		const calls = ctx.sandbox.stats().requests.filter((entry) => entry.route === 'subscription');
		expect(calls.every((entry) => entry.path.includes('includesuggestedoverbooking'))).toBe(false); // the POST's flag is in its form
		expect(
			calls
				.filter((entry) => entry.method === 'GET')
				.every((entry) => entry.path.includes('includesuggestedoverbooking')),
		).toBe(true);
		expect(ctx.sandbox.state.subscription(CLIENT, FEED).events).toEqual([
			'UpdateSuggestedOverbooking',
		]);
	});

	test('a feed that takes no department filter is read whole, never with departmentid', async () => {
		const wf = workflow(ctx, {
			feed: 'chart/healthhistory/allergies',
			options: { crashRecovery: false },
		});
		await activate(wf, 1);
		ctx.sandbox.inject({
			feed: 'chart/healthhistory/allergies',
			count: 3,
			departmentIds: ['1', '2', '3'],
		});
		const { emitted } = await wf.tick();
		expect(emitted).toHaveLength(3);
		expect(emitted!.map((item) => typeof item.json.allergenid)).toEqual([
			'number',
			'number',
			'number',
		]);
		expect(
			changedRequests(ctx.sandbox).every((entry) => !entry.path.includes('departmentid')),
		).toBe(true);
	});

	test('a feed that hides the department field ignores a stale list in its saved parameters', async () => {
		// n8n drops a hidden field's value: the trigger reads the whole practice, as athena would anyway.
		const wf = workflow(ctx, {
			feed: 'providers',
			departmentIds: ['2'],
			options: { crashRecovery: false },
		});
		await activate(wf, 1);
		expect((await wf.tick()).error).toBeNull();
		expect(
			changedRequests(ctx.sandbox).every((entry) => !entry.path.includes('departmentid')),
		).toBe(true);
	});
});
