/**
 * `npm run soak`: the full soak (about 12,000 records). Prints a readable summary, then the JSON
 * line last. Exit code 1 when a goal of the issue is missed. `--ci` runs the CI size instead,
 * `--seed N` another seed; `--replay-includes-queued` and `--replay-ignores-offset` switch how the
 * sandbox's replay window answers (athena documents neither); `--n8n` runs it through a real n8n
 * (`--queue`: in queue mode), see n8n.ts.
 */
import { CI, FULL, jsonLine, missedGoals, runSoak, summary } from './scenario';

async function main(): Promise<void> {
	const args = process.argv.slice(2);
	const base = args.includes('--ci') ? CI : FULL;
	const seedAt = args.indexOf('--seed');
	const replay = {
		includesQueued: args.includes('--replay-includes-queued'),
		ignoresOffset: args.includes('--replay-ignores-offset'),
	};
	const size = { ...base, replay, ...(seedAt >= 0 && { seed: Number(args[seedAt + 1]) }) };
	const write = (line: string) => process.stdout.write(`${line}\n`);
	if (args.includes('--n8n')) {
		// Through a real n8n (test/soak/n8n.ts): 8 rounds of 1,500 records, restarts and kill -9.
		const { runN8nSoak } = await import('./n8n');
		const line = await runN8nSoak({
			queue: args.includes('--queue'),
			rounds: 8,
			perRound: 1500,
			seed: size.seed,
			replay,
			write,
		});
		write(JSON.stringify(line));
		process.exitCode = line.lost || line.duplicated || line.concurrentViolations ? 1 : 0;
		return;
	}
	const report = await runSoak(size, write);
	for (const line of summary(report)) write(line);
	const missed = missedGoals(
		report,
		base === FULL
			? { records: 10_000, faults: 500, crashes: 10, badInputs: 40 }
			: { records: 1_000, faults: 50, crashes: 3, badInputs: 40 },
	);
	write(missed.length ? `GOALS MISSED: ${missed.join('; ')}` : 'All goals met.');
	write(jsonLine(report));
	process.exitCode = missed.length ? 1 : 0;
}

main().catch((error: unknown) => {
	process.stderr.write(`soak failed: ${String((error as Error)?.stack ?? error)}\n`);
	process.exitCode = 2;
});
