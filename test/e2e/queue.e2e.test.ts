// n8n's queue mode: PostgreSQL, Redis, a main and two workers (scripts/n8n/queue.js), the packed
// package in each user folder. The trigger polls on the main and its executions run on the
// workers; the action node runs on a worker from a webhook; kill -9 of the main mid-drain and of a
// worker during an execution lose no record the trigger read. One cluster for the whole suite.
import {
	publicApi,
	setupOwner,
	type N8nInstance,
	type PublicApi,
} from '../../scripts/n8n/n8n-process';
import { startQueue, type QueueCluster } from '../../scripts/n8n/queue';
import { FeedRun, departments, timer } from './feedRun';
import { PACKAGE_DIR, waitFor } from './realN8n';
import { startSandbox, type SandboxProcess } from './sandbox';
import {
	callWebhook,
	createCaseWorkflow,
	updateCaseWorkflow,
	createActive,
	CREDENTIAL_TYPE,
	executionsOf,
	noOpNode,
	type CredentialRef,
} from './workflows';

const DEPARTMENTS = departments(30);

/** The queue main as the feed helper reads it. */
interface QueueMain {
	api: PublicApi;
	logs(): string;
}

function waitNode(name: string, seconds: number) {
	return {
		...noOpNode(name),
		type: 'n8n-nodes-base.wait',
		typeVersion: 1.1,
		parameters: { resume: 'timeInterval', amount: seconds, unit: 'seconds' },
	};
}

describe('athenahealth nodes in n8n queue mode (main + 2 workers, PostgreSQL, Redis)', () => {
	const phase = timer('queue');
	let queue: QueueCluster;
	let sandbox: SandboxProcess;
	let run: FeedRun<QueueMain>;
	let credential: CredentialRef;

	async function connect(main: N8nInstance): Promise<QueueMain> {
		const owner = await setupOwner(main.url);
		return { api: publicApi(main.url, owner.apiKey), logs: () => main.logs() };
	}

	/** Executions (of `ids`) grouped by the worker that ran them. */
	function byWorker(ids: string[]): Record<string, number> {
		const counts: Record<string, number> = {};
		for (const id of ids) {
			const worker = queue.workerOf(id) ?? 'no worker';
			counts[worker] = (counts[worker] ?? 0) + 1;
		}
		return counts;
	}

	beforeAll(async () => {
		const log = (message: string) => process.stderr.write(`${message}\n`);
		[queue, sandbox] = await Promise.all([
			startQueue({ workers: 2, packageDir: PACKAGE_DIR, log }),
			startSandbox({ departments: 30 }),
		]);
		phase('PostgreSQL, Redis, main and two workers up');
		run = new FeedRun(await connect(queue.main), sandbox);
		const created = await run.n8n.api.createCredential({
			name: 'athenahealth sandbox',
			type: CREDENTIAL_TYPE,
			data: sandbox.credentialData(),
		});
		credential = { id: String(created.id), name: created.name };
	}, 300_000);

	afterAll(async () => {
		await Promise.all([queue?.stop(), sandbox?.close()]);
	});

	it('the trigger on the main drains 10,000 records over 30 departments into executions the workers run: none lost, none twice', async () => {
		await run.create({
			departmentIds: DEPARTMENTS,
			// Smaller executions, so that several polls hand work to the workers.
			extra: { maxRecordsPerPoll: 2000 },
			after: [waitNode('Take a moment', 2), noOpNode('Received')],
		});
		await run.subscribed();
		await run.ready();
		await run.inject(DEPARTMENTS, 10_000);
		const report = await run.waitForAll(180_000, 'the 10,000 records');
		const workers = byWorker(run.executionIds());
		phase(`10,000 records: ${JSON.stringify({ ...report, workers })}`);
		process.stderr.write(
			`[e2e queue] executions by worker: ${run
				.executionIds()
				.map((id) => `${id}:${queue.workerOf(id) ?? '?'}`)
				.join(' ')}\n`,
		);
		expect({ lost: report.lost, duplicated: report.duplicated }).toEqual({
			lost: 0,
			duplicated: 0,
		});
		expect(workers['no worker']).toBeUndefined();
		// The main polls; it runs no execution itself.
		expect(queue.main.logs()).not.toMatch(/Worker started execution/);
	}, 240_000);

	it('the action node creates and updates a patient case through a webhook executed on a worker', async () => {
		const createPath = 'queue-create-case';
		const updatePath = 'queue-update-case';
		const createId = await createActive(
			run.n8n.api,
			createCaseWorkflow('queue create patient case', createPath, credential, { priority: '1' }),
		);
		const updateId = await createActive(
			run.n8n.api,
			updateCaseWorkflow('queue update patient case', updatePath, credential, { priority: '2' }),
		);
		const created = await callWebhook(queue.main.url, createPath, {
			patientId: '12',
			departmentId: '3',
			providerId: '4',
			subject: 'Queue mode: refill request',
		});
		expect(created.status).toBe(200);
		const caseId = Number(created.json.patientcaseid);
		expect(Number.isInteger(caseId)).toBe(true);
		const updated = await callWebhook(queue.main.url, updatePath, {
			patientId: '12',
			patientCaseId: caseId,
			subject: 'Queue mode: refill sent',
		});
		expect(updated.status).toBe(200);
		expect((await sandbox.cases()).find((c) => c.patientcaseid === caseId)).toEqual(
			expect.objectContaining({
				patientid: '12',
				subject: 'Queue mode: refill sent',
				priority: '2',
			}),
		);
		const ran = [];
		for (const workflowId of [createId, updateId]) {
			const [execution] = await executionsOf(run.n8n.api, workflowId);
			expect(execution).toEqual(expect.objectContaining({ status: 'success', mode: 'webhook' }));
			ran.push(
				await waitFor(() => queue.workerOf(execution.id), {
					timeoutMs: 10_000,
					what: `the worker of execution ${execution.id}`,
				}),
			);
		}
		phase(`webhook create + update ran on ${ran.join(' and ')}`);
	});

	it('kill -9 of the main in the middle of a drain, then a restart: none lost, none twice, the workflow active again', async () => {
		const before = run.report().executions;
		await run.inject(DEPARTMENTS, 6000);
		// Kill it once the first execution of this batch is handed over (the drain goes on).
		await waitFor(
			async () => {
				await run.collect();
				return run.report().executions > before;
			},
			{ timeoutMs: 60_000, intervalMs: 250, what: 'the first execution of the 6,000 records' },
		);
		await queue.main.kill('SIGKILL');
		phase('main killed (-9) mid-drain');
		run.n8n = await connect(await queue.restartMain());
		phase('main restarted');
		const report = await run.waitForAll(180_000, 'the records queued across the kill');
		phase(`after the kill: ${JSON.stringify(report)}`);
		expect({ lost: report.lost, duplicated: report.duplicated }).toEqual({
			lost: 0,
			duplicated: 0,
		});
		expect((await run.n8n.api.getWorkflow(run.workflowId)).active).toBe(true);
	}, 300_000);

	it('kill -9 of a worker during an execution: what n8n does is reported; the trigger lost no record', async () => {
		// Every execution so far, of every workflow (the webhook ones too).
		const existing = new Set(
			(
				(await run.n8n.api.listExecutions({ limit: 250 })).data as Array<{ id: string | number }>
			).map((execution) => String(execution.id)),
		);
		await run.inject(DEPARTMENTS, 3000);
		// The first new execution a worker starts (each waits 2 s in the workflow): kill that worker then.
		const running = await waitFor(
			() => {
				for (const worker of queue.workers) {
					for (const match of worker.logs().matchAll(/started execution (\d+)/g)) {
						if (!existing.has(match[1])) return { id: match[1], worker: worker.name };
					}
				}
				return undefined;
			},
			{
				timeoutMs: 60_000,
				intervalMs: 50,
				what: 'a worker starting an execution of the new records',
			},
		);
		const index = queue.workers.findIndex((worker) => worker.name === running.worker);
		// What the trigger handed over, as n8n stored it with the execution before a worker took it.
		run.held.add(running.id);
		const handed = (await run.itemsOf(running.id)) ?? [];
		await queue.workers[index].kill('SIGKILL');
		phase(`killed ${running.worker} (-9) during execution ${running.id}`);
		// Until n8n settles the execution (it may re-run it on the other worker, or mark it crashed).
		const settled = await waitFor(
			async () => {
				const execution = await run.n8n.api.getExecution(running.id, { includeData: false });
				return ['running', 'new', 'queued'].includes(execution.status) ? undefined : execution;
			},
			{
				timeoutMs: 120_000,
				intervalMs: 1000,
				what: `execution ${running.id} to settle after its worker died`,
			},
		).catch(async () => await run.n8n.api.getExecution(running.id, { includeData: false }));
		const rerunBy = queue.workers
			.filter(
				(worker, i) =>
					i !== index && new RegExp(`started execution ${running.id}\\b`).test(worker.logs()),
			)
			.map((w) => w.name);
		process.stderr.write(
			`[e2e queue] worker kill: execution ${running.id} (on ${running.worker}) ended ${settled.status}, finished=${settled.finished}, stoppedAt=${settled.stoppedAt ?? 'none'}; re-run by ${rerunBy.join(', ') || 'no other worker'}\n`,
		);
		const kept = (await run.itemsOf(running.id)) ?? [];
		process.stderr.write(
			`[e2e queue] worker kill: the execution held ${handed.length} records of the trigger when the worker died; n8n kept ${kept.length} of them in it\n`,
		);
		expect(handed.length).toBeGreaterThan(0);
		run.accept(running.id, handed);
		await queue.startWorker(index);
		const report = await run.waitForAll(120_000, "every record, the killed execution's included");
		phase(
			`worker kill: ${JSON.stringify({ ...report, unfinished: Object.fromEntries(run.unfinished) })}`,
		);
		// The trigger handed every record to an execution n8n stored; none was read twice.
		expect({ lost: report.lost, duplicated: report.duplicated }).toEqual({
			lost: 0,
			duplicated: 0,
		});
		expect((await sandbox.queues()).find((q) => q.feed === 'appointments')).toEqual(
			expect.objectContaining({ queued: 0 }),
		);
	}, 300_000);
});
