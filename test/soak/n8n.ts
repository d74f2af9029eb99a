/**
 * `npm run soak -- --n8n`: the trigger's soak through a real n8n (the pinned one, the packed
 * package) against the sandbox with faults: rounds of records injected while n8n polls every 5 s,
 * with a restart (SIGTERM) or a crash (kill -9) after some rounds. Prints its JSON line with the
 * soak's fields (those of the in-process soak that do not apply here are absent).
 * `--queue` runs it in queue mode (main + 2 workers; the main is restarted and killed).
 */
import { startQueue } from '../../scripts/n8n/queue';
import { publicApi, setupOwner } from '../../scripts/n8n/n8n-process';
import { ensureInstalled } from '../../scripts/n8n/install';
import { FeedRun, TWENTY_PERCENT, departments } from '../e2e/feedRun';
import { PACKAGE_DIR, startE2eN8n } from '../e2e/realN8n';
import { startSandbox } from '../e2e/sandbox';

const DEPARTMENTS = departments(30);

export interface N8nSoakOptions {
	queue: boolean;
	rounds: number;
	perRound: number;
	seed: number;
	replay: { includesQueued?: boolean; ignoresOffset?: boolean };
	write: (line: string) => void;
}

interface Target {
	api: FeedRun['n8n']['api'];
	logs(): string;
	/** SIGTERM and start again, or kill -9 and start again. */
	restart(kill: boolean): Promise<void>;
	stop(): Promise<void>;
}

export async function runN8nSoak(options: N8nSoakOptions): Promise<Record<string, unknown>> {
	const started = Date.now();
	ensureInstalled({ log: () => {} });
	const sandbox = await startSandbox({ departments: 30, ...options.replay });
	let target: Target;
	if (options.queue) {
		const queue = await startQueue({ workers: 2, packageDir: PACKAGE_DIR });
		const connect = async () =>
			publicApi(queue.main.url, (await setupOwner(queue.main.url)).apiKey);
		let api = await connect();
		target = {
			get api() {
				return api;
			},
			logs: () => queue.main.logs(),
			async restart(kill) {
				if (kill) await queue.main.kill('SIGKILL');
				await queue.restartMain();
				api = await connect();
			},
			stop: () => queue.stop(),
		};
	} else {
		let n8n = await startE2eN8n();
		target = {
			get api() {
				return n8n.api;
			},
			logs: () => n8n.logs(),
			async restart(kill) {
				n8n = await n8n.restart({ kill });
			},
			stop: async () => {
				await n8n.stop();
			},
		};
	}
	const run = new FeedRun(target, sandbox);
	let crashes = 0;
	let restarts = 0;
	try {
		await run.create({ departmentIds: DEPARTMENTS });
		await run.subscribed();
		await sandbox.setFaults({ ...TWENTY_PERCENT, seed: options.seed });
		for (let round = 1; round <= options.rounds; round++) {
			await run.inject(DEPARTMENTS, options.perRound);
			// Let a poll start on it, then, every other round, restart or crash n8n in the middle.
			await new Promise((resolve) => setTimeout(resolve, 6_000));
			if (round % 2 === 0) {
				const kill = round % 4 === 0;
				await target.restart(kill);
				if (kill) crashes++;
				else restarts++;
			}
			await run.collect();
			options.write(`  round ${round}/${options.rounds}: ${JSON.stringify(run.report())}`);
		}
		await run.waitForAll(300_000);
		await sandbox.setFaults({ seed: options.seed, rules: [] });
		await new Promise((resolve) => setTimeout(resolve, 11_000));
		await run.collect();
	} finally {
		await target.stop();
	}
	const report = run.report();
	const stats = await sandbox.stats();
	await sandbox.close();
	const faultsByKind = stats.faults as Record<string, number>;
	return {
		size: options.queue ? 'n8n-queue' : 'n8n',
		seed: options.seed,
		replay:
			[
				options.replay.includesQueued && 'replayIncludesQueued',
				options.replay.ignoresOffset && 'replayIgnoresOffset',
			]
				.filter(Boolean)
				.join('+') || 'default',
		records: report.records,
		faults: Object.entries(faultsByKind).reduce(
			(sum, [kind, count]) => sum + (kind === 'latency' ? 0 : count),
			0,
		),
		crashes,
		restarts,
		lost: report.lost,
		duplicated: report.duplicated,
		concurrentViolations: stats.violations.concurrentChanged ?? 0,
		faultsByKind,
		executions: report.executions,
		failedPolls: report.failedPolls,
		wallMs: Date.now() - started,
	};
}
