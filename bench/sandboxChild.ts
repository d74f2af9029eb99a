/**
 * The sandbox as the benchmark's child process: what `test/sandbox/cli.ts` starts, plus a retention
 * option. The benchmark queues about 1.2 million records; with athena's 24 hours the child would keep
 * every one it processed (for replays). No scenario needs a record for more than about 15 seconds.
 */
import { startSandbox } from '../test/sandbox';

async function main(): Promise<void> {
	const [departments, tokenLifetimeSec, retentionMs] = process.argv.slice(2).map(Number);
	const sandbox = await startSandbox({ port: 0, departments, tokenLifetimeSec, retentionMs, realTimeClock: true });
	console.log(`athenahealth sandbox listening on ${sandbox.url}`);
	const stop = () => void sandbox.close().finally(() => process.exit(0));
	process.once('SIGTERM', stop);
	process.once('SIGINT', stop);
}

main().catch((error: unknown) => {
	console.error(error);
	process.exit(1);
});
