// An n8n restart with 20,000 records waiting in athena and one request in five failing: n8n
// re-activates the workflow at start-up within its publication deadline (the activation poll reads
// nothing from the queue), the workflow stays active and polling, and every record starts exactly
// one execution. One n8n boot, one restart.
import { FeedRun, TWENTY_PERCENT, departments, timer } from './feedRun';
import { startE2eN8n } from './realN8n';
import { startSandbox, type SandboxProcess } from './sandbox';

const DEPARTMENTS = departments(30);

describe('athenahealth Trigger: an n8n restart with 20,000 records waiting and 20% faults', () => {
	const phase = timer('restart');
	let sandbox: SandboxProcess;
	let run: FeedRun;

	beforeAll(async () => {
		const [n8n, started] = await Promise.all([startE2eN8n(), startSandbox({ departments: 30 })]);
		sandbox = started;
		run = new FeedRun(n8n, sandbox);
		await run.create({ departmentIds: DEPARTMENTS });
		await run.ready();
		phase('n8n and the sandbox up, workflow active, recovery window saved');
	});

	afterAll(async () => {
		await Promise.all([run?.n8n.stop(), sandbox?.close()]);
	});

	it('comes back active and polling, and delivers every record exactly once', async () => {
		await run.inject(DEPARTMENTS, 300);
		await run.waitForAll(60_000, 'the records before the restart');
		run.n8n = await run.n8n.restart({
			whileStopped: async () => {
				await run.inject(DEPARTMENTS, 20_000);
				await sandbox.setFaults(TWENTY_PERCENT);
			},
		});
		phase(`restarted in ${(run.n8n.startMs / 1000).toFixed(1)} s with 20,000 records waiting`);
		expect((await run.n8n.api.getWorkflow(run.workflowId)).active).toBe(true);

		const report = await run.waitForAll(240_000, 'the records queued across the restart');
		phase(`20,300 records delivered: ${JSON.stringify(report)}`);
		await sandbox.setFaults({ seed: 1, rules: [] });
		// Two more polls: nothing more arrives.
		await new Promise((resolve) => setTimeout(resolve, 11_000));
		await run.collect();
		const final = run.report();
		process.stderr.write(
			`[e2e restart] ${JSON.stringify({ ...final, faults: (await sandbox.stats()).faults })}\n`,
		);
		expect({ lost: final.lost, duplicated: final.duplicated }).toEqual({ lost: 0, duplicated: 0 });
		expect((await sandbox.queues()).find((queue) => queue.feed === 'appointments')).toEqual(
			expect.objectContaining({ queued: 0 }),
		);
		expect((await sandbox.stats()).violations.concurrentChanged ?? 0).toBe(0);
		expect((await run.n8n.api.getWorkflow(run.workflowId)).active).toBe(true);
		// n8n's own words when an activation outlives its deadline: never said.
		expect(run.n8n.logs()).not.toMatch(/exceeded its deadline|Abandoned workflow publication/);
	}, 330_000);
});
