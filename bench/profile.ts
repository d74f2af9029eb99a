/**
 * The trigger path alone, for a CPU profile: `node --cpu-prof --cpu-prof-dir=/tmp/prof -r ts-node/register/transpile-only
 * bench/profile.ts [rounds]`, then `npx ts-node --transpile-only bench/cpuprofile.ts /tmp/prof/<file>.cpuprofile`.
 * Drains a 100,000-record backlog through AthenahealthTrigger.poll() (as bench/run.ts does) with no
 * added latency, so the profile is our process's CPU and nothing else.
 */
import './env';

import { getFeed } from '../nodes/Athenahealth/feeds/catalog';
import { sandboxCredentials } from '../test/harness/credentials';
import { collect, sleep, timed } from './measure';
import { startSandboxProcess } from './sandboxProcess';
import { TriggerDrain } from './trigger';

const RECORDS = 100_000;
const DEPARTMENTS = 400;

async function main(): Promise<void> {
	const rounds = Number(process.argv[2] ?? 4);
	const feed = getFeed('appointments');
	const sandbox = await startSandboxProcess({
		departments: DEPARTMENTS,
		tokenLifetimeSec: 3600,
		retentionMs: 30_000,
	});
	try {
		const ours = new TriggerDrain(sandboxCredentials(sandbox.url), feed.id, DEPARTMENTS, 5);
		await ours.prepare();
		for (let round = 0; round < rounds; round++) {
			for (let done = 0; done < RECORDS; done += 10_000)
				await sandbox.inject({ feed: feed.id, count: 10_000 });
			await sleep(ours.guardWaitMs());
			collect();
			const run = await timed(() => ours.poll());
			const items = run.value.length;
			ours.workflow.executions.length = 0;
			console.log(
				`round ${round + 1}: ${items} items, ${Math.round(run.wallMs)} ms wall, ${Math.round(run.cpuMs)} ms CPU (${((run.cpuMs * 1000) / items).toFixed(2)} us/record)`,
			);
		}
	} finally {
		await sandbox.close();
	}
}

main().then(
	() => process.exit(0),
	(error: unknown) => {
		console.error(error);
		process.exit(1);
	},
);
