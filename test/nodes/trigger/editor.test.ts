import { META_KEY } from '../../../nodes/Athenahealth/drain';
import { FEEDS, getFeed } from '../../../nodes/Athenahealth/feeds/catalog';
import { freshState, loadState, saveState } from '../../../nodes/Athenahealth/trigger/state';
import { sandboxCredentials } from '../../harness/credentials';
import type { INodeProperties } from 'n8n-workflow';

import { PolledWorkflow, subtitleOf } from '../../harness/n8n';
import { FEED, activate, changedRequests, queued, trigger, useSandbox, workflow } from './helpers';

const ctx = useSandbox();

/** A trigger added from now on (version 1.1): Simplify on by default. */
function newTrigger(parameters: Record<string, unknown> = {}) {
	return new PolledWorkflow(
		trigger,
		{ feed: FEED, ...parameters, options: { minIntervalSeconds: 0 } },
		ctx.credentials,
		{ typeVersion: 1.1 },
	);
}

describe('Fetch Test Event when nothing is queued', () => {
	test('shows the most recent records athena already delivered, marked replayed, and consumes nothing', async () => {
		const active = workflow(ctx);
		await activate(active);
		ctx.sandbox.inject({ feed: FEED, count: 8 });
		expect((await active.tick()).emitted).toHaveLength(8);
		expect(queued(ctx.sandbox)).toBe(0);
		const before = changedRequests(ctx.sandbox).length;

		const items = await workflow(ctx).manual();
		expect(items).toHaveLength(5);
		expect(items!.every((item) => (item.json[META_KEY] as { replayed: boolean }).replayed)).toBe(
			true,
		);
		const tested = changedRequests(ctx.sandbox).slice(before);
		// The queue first (left unprocessed), then the last hour of the processed window.
		expect(
			tested.map((entry) =>
				entry.path.includes('leaveunprocessed')
					? 'peek'
					: entry.path.includes('showprocessed')
						? 'replay'
						: 'READ',
			),
		).toEqual(['peek', 'replay']);
		expect(queued(ctx.sandbox)).toBe(0);
	});

	test('waiting records come first, not marked replayed', async () => {
		const wf = workflow(ctx);
		await activate(wf);
		ctx.sandbox.inject({ feed: FEED, count: 2 });
		const items = await wf.manual();
		expect(items).toHaveLength(2);
		expect(
			items!.every((item) => (item.json[META_KEY] as { replayed: boolean }).replayed === false),
		).toBe(true);
		expect(queued(ctx.sandbox)).toBe(2);
	});

	test('when both are empty it says so, naming the feed and what to do', async () => {
		const wf = workflow(ctx);
		await activate(wf);
		const error = await wf.manual().then(
			() => undefined,
			(caught: Error & { description?: string }) => caught,
		);
		expect(error?.message).toBe(
			'No records are waiting in the Athenahealth feed "Appointments", and athena delivered none in the last 24 hours',
		);
		expect(error?.description).toMatch(
			/^Testing never removes records from the queue\. Change something in athena that this feed reports/,
		);
	});
});

describe('Simplify on the trigger', () => {
	test("a new trigger (version 1.1) emits the feed catalog's fields plus _athena", async () => {
		const wf = newTrigger();
		await activate(wf);
		ctx.sandbox.inject({ feed: FEED, count: 3 });
		const { emitted } = await wf.tick();
		expect(emitted).toHaveLength(3);
		const keys = Object.keys(emitted![0].json);
		expect(keys).toEqual(
			expect.arrayContaining(['appointmentid', 'patientid', 'departmentid', META_KEY]),
		);
		expect(
			keys.every((key) => key === META_KEY || getFeed(FEED).simplifiedFields.includes(key)),
		).toBe(true);
		expect(keys).not.toContain('scheduledby');
	});

	test('a saved version-1 trigger without the parameter keeps full records', async () => {
		const wf = workflow(ctx);
		await activate(wf);
		ctx.sandbox.inject({ feed: FEED, count: 1 });
		const { emitted } = await wf.tick();
		expect(Object.keys(emitted![0].json)).toEqual(
			expect.arrayContaining(['scheduledby', 'lastmodifiedby', 'chargeentrynotrequired']),
		);
	});

	test('Simplify can be turned off on a new trigger, and Fetch Test Event follows it', async () => {
		const full = newTrigger({ simplify: false });
		await activate(full);
		ctx.sandbox.inject({ feed: FEED, count: 1 });
		expect(Object.keys((await full.manual())![0].json)).toContain('scheduledby');
		expect(Object.keys((await newTrigger().manual())![0].json)).not.toContain('scheduledby');
	});
});

describe('every feed of the catalog says what Simplify keeps', () => {
	test('about ten fields, the record id among them', () => {
		for (const feed of FEEDS) {
			expect(feed.simplifiedFields).toContain(feed.idField);
			expect(feed.simplifiedFields.length).toBeGreaterThanOrEqual(6);
			expect(feed.simplifiedFields.length).toBeLessThanOrEqual(12);
		}
	});
});

describe('Practice ID override on the trigger', () => {
	test("calls the override's practice instead of the credential's, and records it in _athena", async () => {
		ctx.credentials = sandboxCredentials(ctx.sandbox.url, { practiceId: '1' });
		const wf = workflow(ctx, { practiceId: '195900' });
		await activate(wf);
		ctx.sandbox.inject({ feed: FEED, count: 1 });
		const { emitted } = await wf.tick();
		expect((emitted![0].json[META_KEY] as { practiceId: number }).practiceId).toBe(195900);
		expect(
			changedRequests(ctx.sandbox).every((entry) => entry.path.startsWith('/v1/195900/')),
		).toBe(true);
	});

	test('an override that is not a positive whole number is refused before any request, naming the field', async () => {
		const before = ctx.sandbox.stats().requests.length;
		const { error } = await workflow(ctx, { practiceId: '19-5900' }).tick();
		expect(error?.message).toBe('Practice ID must be a positive whole number, such as 195900');
		expect(ctx.sandbox.stats().requests.length).toBe(before);
	});

	test('the saved state is per practice and feed: another practice starts afresh, with a log line', () => {
		const logged: string[] = [];
		const staticData: Record<string, unknown> = {};
		saveState(staticData, { ...freshState(FEED, 195900), windowStart: 1, lastDrainStart: 2 });
		expect(loadState(staticData, FEED, (line) => logged.push(line), 195900)).toMatchObject({
			windowStart: 1,
			practiceId: 195900,
		});
		expect(loadState(staticData, FEED, (line) => logged.push(line), 195901)).toEqual({
			v: 1,
			feed: FEED,
			practiceId: 195901,
		});
		expect(logged).toEqual([
			`athenahealth Trigger: the practice changed from 195900 to 195901; starting afresh for the feed "${FEED}"`,
		]);
		// A state saved before the override named no practice: it is the node's.
		saveState(staticData, { v: 1, feed: FEED, windowStart: 5 });
		expect(loadState(staticData, FEED, () => undefined, 195900)).toMatchObject({
			windowStart: 5,
			practiceId: 195900,
		});
	});
});

describe("the trigger's panel", () => {
	test("its subtitle names the feed, not the feed's path", () => {
		expect(subtitleOf(trigger, { feed: 'chart/healthhistory/problems' })).toBe(
			'Problems (Health History)',
		);
		expect(subtitleOf(trigger, { feed: 'appointments' })).toBe('Appointments');
	});

	test('Min Interval (Seconds) cannot be set below 60 in the editor; a new trigger says its first records take a few polls', () => {
		const options = trigger.description.properties.find((property) => property.name === 'options')!
			.options as INodeProperties[];
		expect(options.find((option) => option.name === 'minIntervalSeconds')).toMatchObject({
			displayName: 'Min Interval (Seconds)',
			typeOptions: { minValue: 60 },
			default: 60,
		});
		const notice = trigger.description.properties.find(
			(property) => property.name === 'firstPollsNotice',
		)!;
		expect(notice.displayName).toMatch(/^The first records arrive after a few polls/);
		expect(notice.displayOptions?.show?.['@version']).toEqual([{ _cnd: { gte: 1.1 } }]);
	});
});
