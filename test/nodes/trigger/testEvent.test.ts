// Fetch Test Event beside an active trigger: athena's queue belongs to the practice's subscription
// of the feed, so a test run in any workflow must not read it while a scheduled poll drains it.
import { META_KEY } from '../../../nodes/Athenahealth/drain';
import { feedKey, isReading } from '../../../nodes/Athenahealth/common/feedReads';
import { Athenahealth } from '../../../nodes/Athenahealth/Athenahealth.node';
import { AthenaClient } from '../../harness/athenaClient';
import { injectedIds } from '../../harness/feeds';
import { executeNode } from '../../harness/n8n';
import { PRACTICE_ID } from '../../sandbox';
import {
	FEED,
	activate,
	changedRequests,
	queued,
	range,
	subscribeWholePractice,
	useSandbox,
	workflow,
} from './helpers';

const ctx = useSandbox({ tokenRateLimitPerMinute: 1000 });

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(condition: () => boolean, what: string): Promise<void> {
	for (let waited = 0; !condition(); waited += 20) {
		if (waited > 10_000) throw new Error(`timed out waiting for ${what}`);
		await pause(20);
	}
}

type Kind = 'peek' | 'replay' | 'drain';
const kindOf = (path: string): Kind =>
	path.includes('leaveunprocessed') ? 'peek' : path.includes('showprocessed') ? 'replay' : 'drain';

/** The `/changed` requests logged after `from`, as [kind, path]. */
function readsSince(from: number): Array<[Kind, string]> {
	return changedRequests(ctx.sandbox)
		.slice(from)
		.map((entry) => [kindOf(entry.path), entry.path]);
}

/**
 * An active trigger (whole practice unless told) that delivered 8 records, then a poll of it
 * draining `count` more slowly (every `/changed` answer takes `latencyMs`). Resolves once that
 * poll is reading; `settled()` says whether it has ended.
 */
async function drainingTrigger(
	count: number,
	latencyMs: number,
	parameters: Record<string, unknown> = {},
) {
	const active = workflow(ctx, { ...parameters, options: { maxRecordsPerPoll: 100_000 } });
	await activate(active);
	const departmentIds = (parameters.departmentIds as string[] | undefined)?.map(Number);
	ctx.sandbox.inject({ feed: FEED, count: 8, departmentIds });
	expect((await active.tick()).emitted).toHaveLength(8);
	const records = ctx.sandbox.inject({ feed: FEED, count, departmentIds });
	ctx.sandbox.setFaults({ seed: 1, rules: [{ route: 'changed', latencyMs }] });
	const from = changedRequests(ctx.sandbox).length;
	let done = false;
	const poll = active.tick().finally(() => {
		done = true;
	});
	await until(
		() =>
			isReading(feedKey(Number(PRACTICE_ID), FEED), undefined, {
				reader: 'trigger',
				scope: 'poll',
			}),
		'the drain',
	);
	return { poll, from, records, settled: () => done };
}

describe('Fetch Test Event while the active trigger drains the same practice and feed', () => {
	test('does not read the queue: it waits a moment, then shows records athena already delivered, and the drain loses nothing', async () => {
		// 13 pages of 1000 at 800 ms each: the drain outlasts the test's wait by seconds.
		const drain = await drainingTrigger(12_000, 800);
		// Another workflow: the registry is by practice and feed, not by workflow.
		const items = await workflow(ctx).manual();
		expect(drain.settled()).toBe(false);
		expect(items).toHaveLength(5);
		expect(items!.every((item) => (item.json[META_KEY] as { replayed: boolean }).replayed)).toBe(
			true,
		);

		const outcome = await drain.poll;
		expect(outcome.error).toBeNull();
		expect(outcome.emitted).toHaveLength(12_000);
		expect(queued(ctx.sandbox)).toBe(0);
		const reads = readsSince(drain.from).map(([kind]) => kind);
		// The test never peeked at the queue, and read the processed window between the drain's calls.
		expect(reads).not.toContain('peek');
		expect(reads).toContain('replay');
		expect(ctx.sandbox.stats().violations.concurrentChanged).toBe(0);
	});

	test('a drain that ends within the wait is waited for; then the test reads as usual, never beside it', async () => {
		const drain = await drainingTrigger(2_000, 300);
		const items = await workflow(ctx).manual();
		expect(drain.settled()).toBe(true);
		expect((await drain.poll).emitted).toHaveLength(2_000);
		expect(items).toHaveLength(5);
		const reads = readsSince(drain.from).map(([kind]) => kind);
		const firstTestRead = reads.findIndex((kind) => kind !== 'drain');
		expect(reads[firstTestRead]).toBe('peek');
		expect(reads.slice(firstTestRead)).not.toContain('drain');
		expect(ctx.sandbox.stats().violations.concurrentChanged).toBe(0);
	});

	test('when even the look back finds no turn, it says plainly that the trigger is reading the feed', async () => {
		// A drain call outlasts the test's wait for the drain (5 s) plus its wait for a turn (5 s).
		const drain = await drainingTrigger(12_000, 12_000);
		const error = await workflow(ctx)
			.manual()
			.then(
				() => undefined,
				(caught: Error & { description?: string }) => caught,
			);
		expect(drain.settled()).toBe(false);
		expect(error?.message).toBe(
			'The active trigger is reading the Athenahealth feed "Appointments" right now',
		);
		expect(error?.description).toMatch(/Try again in a minute/);
		ctx.sandbox.setFaults({ seed: 1, rules: [] });
		await drain.poll;
		expect(readsSince(drain.from).map(([kind]) => kind)).not.toContain('peek');
		expect(ctx.sandbox.stats().violations.concurrentChanged).toBe(0);
	}, 90_000);
});

describe('Fetch Test Event is not held up by a drain of something else', () => {
	test('another feed, another practice and other departments of the same feed are read at once', async () => {
		await subscribeWholePractice(ctx.sandbox);
		await subscribeWholePractice(ctx.sandbox, 'patients/changed');
		ctx.sandbox.inject({ feed: 'patients', count: 2 });
		const drain = await drainingTrigger(6_000, 800, { departmentIds: range(1, 20).map(String) });

		// Another feed: its queue is peeked while the drain goes on.
		const patients = await workflow(ctx, { feed: 'patients' }).manual();
		expect(patients).toHaveLength(2);
		expect(
			patients!.every((item) => (item.json[META_KEY] as { replayed: boolean }).replayed === false),
		).toBe(true);

		// Departments the drain does not read: the same feed, peeked at once.
		ctx.sandbox.inject({ feed: FEED, count: 3, departmentIds: [21, 22] });
		const others = await workflow(ctx, { departmentIds: ['21', '22'] }).manual();
		expect(others).toHaveLength(3);

		// Another practice (the sandbox knows only its own, so athena's answer is a refusal): asked at once.
		const elsewhere = await workflow(ctx, { practiceId: '1' })
			.manual()
			.then(
				() => undefined,
				(caught: Error) => caught,
			);
		expect(elsewhere?.message).not.toMatch(/active trigger|another read/);
		expect(drain.settled()).toBe(false);
		const peeks = readsSince(drain.from)
			.filter(([kind]) => kind === 'peek')
			.map(([, path]) => path.split('?')[0]);
		expect(peeks).toEqual([
			`/v1/${PRACTICE_ID}/patients/changed`,
			`/v1/${PRACTICE_ID}/appointments/changed`,
			'/v1/1/appointments/changed',
		]);

		expect((await drain.poll).emitted).toHaveLength(6_000);
		expect(ctx.sandbox.stats().violations.concurrentChanged).toBe(0);
	});
});

describe("the action's Changed Data > Read beside the active trigger's drain of the same feed", () => {
	test('its calls take turns with the drain (never two unanswered reads of one department); together they deliver each record once', async () => {
		const drain = await drainingTrigger(6_000, 400);
		// Another workflow's Changed Data > Read, in this n8n process: it shares the feed's queue.
		const [read] = await executeNode(
			new Athenahealth(),
			{ resource: 'changedData', operation: 'read', feed: FEED, limit: 1000 },
			ctx.credentials,
		);
		const outcome = await drain.poll;
		expect(outcome.error).toBeNull();
		const ids = [...outcome.emitted!, ...read].map((item) => Number(item.json.appointmentid));
		expect(read.length).toBeGreaterThan(0);
		expect(new Set(ids).size).toBe(ids.length);
		expect(ids.sort((a, b) => a - b)).toEqual(injectedIds(drain.records).sort((a, b) => a - b));
		expect(queued(ctx.sandbox)).toBe(0);
		expect(ctx.sandbox.stats().violations.concurrentChanged).toBe(0);
	});
});

describe('a read by another process (the registry cannot see it)', () => {
	test("athena's refusal of an overlapping read is said plainly, naming the feed; nothing was removed", async () => {
		const wf = workflow(ctx);
		await activate(wf);
		ctx.sandbox.inject({ feed: FEED, count: 4 });
		ctx.sandbox.setFaults({ seed: 1, rules: [{ route: 'changed', latencyMs: 3_000 }] });
		// A read on another n8n instance: the same API key, the whole practice's queue (left unprocessed here).
		const elsewhere = new AthenaClient(ctx.sandbox);
		await elsewhere.login();
		const otherRead = elsewhere.get('appointments/changed', { leaveunprocessed: true });
		await pause(200);
		const error = await wf.manual().then(
			() => undefined,
			(caught: Error & { description?: string }) => caught,
		);
		expect(error?.message).toBe(
			'athena is answering another read of the Athenahealth feed "Appointments" right now',
		);
		expect(error?.description).toMatch(
			/another n8n process.*Testing removed nothing from the queue\. Try again in a minute\./,
		);
		expect((await otherRead).status).toBe(200);
		expect(queued(ctx.sandbox)).toBe(4);
	});
});
