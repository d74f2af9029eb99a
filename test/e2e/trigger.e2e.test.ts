// The athenahealth Trigger active in a real n8n, polled every 5 s against the sandbox: records
// injected into athena's queues arrive in n8n's executions exactly once, one execution per poll that
// found records, across department batches and pages, and across an n8n restart.
import { fastPollTimes, startE2eN8n, waitFor, type E2eN8n } from './realN8n';
import { SANDBOX_CLIENT, startSandbox, type SandboxProcess } from './sandbox';
import {
	chain,
	CREDENTIAL_TYPE,
	executionError,
	executionsOf,
	nodeOutput,
	noOpNode,
	triggerNode,
	type ExecutionSummary,
} from './workflows';

const FEED = 'appointments';
const ID_FIELD = 'appointmentid';
const TRIGGER_NAME = 'athenahealth Trigger';
/** 25 departments: the trigger reads them in two batches (20 + 5, athena's advice for large practices). */
const DEPARTMENTS = Array.from({ length: 25 }, (_, i) => String(i + 1));
const FIRST_BATCH = DEPARTMENTS.slice(0, 20);
const SECOND_BATCH = DEPARTMENTS.slice(20);
/** athena's page size in the sandbox: more records than this in one batch need several pages. */
const PAGE = 1000;

describe('athenahealth Trigger in a real n8n', () => {
	let n8n: E2eN8n;
	let sandbox: SandboxProcess;
	let workflowId: string;
	/** Every record id injected so far, in the order injected. */
	const injected: string[] = [];
	/** Record ids per execution id, read once each. */
	const seen = new Map<string, string[]>();

	beforeAll(async () => {
		[n8n, sandbox] = await Promise.all([startE2eN8n(), startSandbox({ departments: 30 })]);
		const credential = await n8n.api.createCredential({
			name: 'athenahealth sandbox',
			type: CREDENTIAL_TYPE,
			data: sandbox.credentialData(),
		});
		const workflow = chain('e2e appointments trigger', [
			triggerNode(
				TRIGGER_NAME,
				{
					pollTimes: fastPollTimes(5),
					feed: FEED,
					events: [],
					departmentIds: DEPARTMENTS,
					// athena's one-read-a-minute pacing off, so every 5 s tick drains.
					options: { minIntervalSeconds: 0, autoSubscribe: true, crashRecovery: true },
				},
				{ id: String(credential.id), name: credential.name },
			),
			noOpNode('Received'),
		]);
		workflowId = String((await n8n.api.createWorkflow(workflow)).id);
	});

	afterAll(async () => {
		await Promise.all([n8n?.stop(), sandbox?.close()]);
	});

	async function inject(departmentIds: string[], count: number): Promise<string[]> {
		const { ids, injected: n } = await sandbox.inject({ feed: FEED, count, departmentIds });
		expect(n).toBe(count);
		const list = ids.map(String);
		injected.push(...list);
		return list;
	}

	/** Executions of the trigger workflow so far, each with the record ids it received. */
	async function executions(): Promise<Array<ExecutionSummary & { ids: string[] }>> {
		const list = await executionsOf(n8n.api, workflowId);
		const result = [];
		for (const execution of list) {
			if (!seen.has(execution.id) && execution.finished !== undefined && execution.stoppedAt) {
				if (execution.status !== 'success') {
					throw new Error(
						`execution ${execution.id} ended ${execution.status}: ${await executionError(n8n.api, execution.id)}`,
					);
				}
				const items = await nodeOutput(n8n.api, execution.id, TRIGGER_NAME);
				seen.set(
					execution.id,
					items.map((item) => String(item[ID_FIELD])),
				);
			}
			if (seen.has(execution.id)) result.push({ ...execution, ids: seen.get(execution.id)! });
		}
		return result;
	}

	/** Waits until the executions after `after` hold `expected` ids in total; returns those executions. */
	async function arrivals(afterCount: number, expected: number, what: string) {
		return await waitFor(
			async () => {
				const list = (await executions()).slice(afterCount);
				const total = list.reduce((sum, e) => sum + e.ids.length, 0);
				return total >= expected ? list : undefined;
			},
			{ timeoutMs: 60_000, intervalMs: 1000, what },
		);
	}

	/**
	 * A moment between two 5 s ticks, with no /changed read in the last second, so that an injection
	 * lands in the queue whole before the next poll instead of during one.
	 */
	async function betweenPolls() {
		await waitFor(
			async () => {
				const phase = Date.now() % 5000;
				if (phase < 1500 || phase > 3000) return false;
				const { requests } = await sandbox.stats();
				const last = requests.filter((r) => r.route === 'changed').at(-1);
				return !last || Date.now() - last.at > 1000;
			},
			{ timeoutMs: 30_000, intervalMs: 100, what: 'a quiet moment between two polls' },
		);
	}

	function expectExactlyOnce(executionIds: Array<{ ids: string[] }>) {
		const all = executionIds.flatMap((e) => e.ids);
		const repeated = all.filter((id, i) => all.indexOf(id) !== i);
		expect({ repeated: repeated.slice(0, 10), count: all.length }).toEqual({
			repeated: [],
			count: injected.length,
		});
		expect(new Set(all)).toEqual(new Set(injected));
	}

	it('activates: the first poll subscribes to the feed for the chosen departments', async () => {
		await n8n.api.activate(workflowId);
		const queue = await waitFor(
			async () =>
				(await sandbox.queues()).find(
					(q) => q.feed === FEED && q.clientId === SANDBOX_CLIENT.clientId,
				),
			{ timeoutMs: 30_000, what: `the trigger's subscription to ${FEED}` },
		);
		expect(queue.status).toBe('ACTIVE');
		const workflow = await n8n.api.getWorkflow(workflowId);
		expect(workflow.active).toBe(true);
	});

	it('emits one execution with every record of several departments and pages (> 1000 in one batch)', async () => {
		// Queued right after subscribing: the trigger's first drain (after it marked its recovery
		// window) finds them all.
		const first = await inject(FIRST_BATCH, 2 * PAGE + 500);
		const second = await inject(SECOND_BATCH, 300);
		const list = await arrivals(0, first.length + second.length, 'the first 2800 records');
		expect(list).toHaveLength(1);
		expect(list[0].status).toBe('success');
		expect(list[0].mode).toBe('trigger');
		expectExactlyOnce(list);
		// The sandbox answered more than one page for the first batch's departments in that poll.
		const { requests } = await sandbox.stats();
		const firstBatchReads = requests.filter(
			(r) => r.route === 'changed' && r.status === 200 && r.departmentIds?.includes(FIRST_BATCH[0]),
		);
		expect(firstBatchReads.length).toBeGreaterThan(2);
		// Records of every department arrived.
		const items = await nodeOutput(n8n.api, list[0].id, TRIGGER_NAME);
		expect(new Set(items.map((item) => String(item.departmentid)))).toEqual(new Set(DEPARTMENTS));
		expect(items[0]._athena).toEqual(expect.objectContaining({ feed: FEED, replayed: false }));
	});

	it('emits one more execution per poll that finds records, with exactly those, and none for empty polls', async () => {
		await betweenPolls();
		const batch = [...(await inject(['3', '7', '22'], 700))];
		const list = await arrivals(1, batch.length, 'the next 700 records');
		expect(list).toHaveLength(1);
		expect(new Set(list[0].ids)).toEqual(new Set(batch));

		await betweenPolls();
		const another = await inject(['25'], 40);
		const next = await arrivals(2, another.length, 'the next 40 records');
		expect(next).toHaveLength(1);
		expect(next[0].ids.sort()).toEqual([...another].sort());

		// Two more ticks with an empty queue start no execution.
		await new Promise((resolve) => setTimeout(resolve, 11_000));
		const all = await executions();
		expect(all).toHaveLength(3);
		expectExactlyOnce(all);
	});

	it('survives an n8n restart: records that wait in athena meanwhile arrive exactly once', async () => {
		const before = (await executions()).length;
		// Some records queue just before n8n stops, more while it is down.
		await betweenPolls();
		const waiting = await inject(['1', '2', '21'], 450);
		n8n = await n8n.restart({
			whileStopped: async () => {
				waiting.push(...(await inject(['4', '24', '9'], 1300)));
			},
		});
		// Back up with the same database: the workflow is active again and polls.
		expect((await n8n.api.getWorkflow(workflowId)).active).toBe(true);
		await arrivals(before, waiting.length, 'the records queued across the restart');
		// A few more polls: nothing is read twice (crash recovery replays only what it cannot vouch for).
		await new Promise((resolve) => setTimeout(resolve, 12_000));
		const all = await executions();
		expectExactlyOnce(all);
		const queue = (await sandbox.queues()).find(
			(q) => q.feed === FEED && q.clientId === SANDBOX_CLIENT.clientId,
		);
		expect(queue).toEqual(expect.objectContaining({ queued: 0, processed: injected.length }));
	});

	it('logged no package load errors and no failed polls', () => {
		expect(n8n.logs()).not.toMatch(/Failed to load package|Error loading package/i);
		expect(n8n.logs()).not.toMatch(/athenahealth Trigger.*(error|failed)/i);
	});
});
