// Starts the athena sandbox (test/sandbox/cli.ts, real-time clock) as a child process, waits for the
// ready line it prints once listening, and stops it: the one launcher for `npm run dev`, the e2e
// suites, the soak and the benchmarks. Plain CommonJS so that scripts/n8n/dev.js runs without a
// TypeScript step; types in launch.d.ts.
'use strict';

const { spawn } = require('node:child_process');
const path = require('node:path');

const REPO_ROOT = path.join(__dirname, '..', '..');
const CLI = path.join(__dirname, 'cli.ts');
/** What `cli.ts --ready-line` prints once listening, followed by JSON: { url, practiceId, credential }. */
const READY_PREFIX = 'athenahealth sandbox ready ';
const READY_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 5_000;
/** How much of the sandbox's output output() keeps (the latest). */
const OUTPUT_KEPT = 100_000;

function cliArgs(options) {
	const args = ['--port', String(options.port ?? 0), '--ready-line'];
	if (options.departments !== undefined) args.push('--departments', String(options.departments));
	if (options.tokenLifetimeSec !== undefined)
		args.push('--token-lifetime', String(options.tokenLifetimeSec));
	if (options.retentionMs !== undefined) args.push('--retention-ms', String(options.retentionMs));
	if (options.replayIncludesQueued) args.push('--replay-includes-queued');
	if (options.replayIgnoresOffset) args.push('--replay-ignores-offset');
	return args;
}

/** Starts the sandbox and resolves once it is listening; rejects (after killing it) if it exits or times out first. */
async function launchSandbox(options = {}) {
	const { onOutput, detached = false, readyTimeoutMs = READY_TIMEOUT_MS } = options;
	const child = spawn(
		process.execPath,
		['-r', 'ts-node/register/transpile-only', CLI, ...cliArgs(options)],
		{
			cwd: REPO_ROOT,
			env: { ...process.env, TS_NODE_PROJECT: path.join(REPO_ROOT, 'tsconfig.test.json') },
			stdio: ['ignore', 'pipe', 'pipe'],
			detached,
		},
	);

	let printed = '';
	const keep = (text, stream) => {
		printed += text;
		if (printed.length > 2 * OUTPUT_KEPT) printed = printed.slice(-OUTPUT_KEPT);
		onOutput?.(text, stream);
	};
	let announced;
	let onReady = () => {};
	// stdout line by line, so the ready line is recognised whole and kept out of the output.
	let partial = '';
	child.stdout.on('data', (chunk) => {
		const lines = (partial + chunk.toString()).split('\n');
		partial = lines.pop();
		for (const line of lines) {
			if (!announced && line.startsWith(READY_PREFIX)) {
				announced = JSON.parse(line.slice(READY_PREFIX.length));
				onReady();
			} else keep(`${line}\n`, 'stdout');
		}
	});
	child.stdout.on('end', () => partial && keep(partial, 'stdout'));
	child.stderr.on('data', (chunk) => keep(chunk.toString(), 'stderr'));

	let exit;
	const exited = new Promise((resolve) =>
		child.once('exit', (code, signal) => {
			exit = { code, signal };
			resolve(exit);
		}),
	);
	// Never leave the sandbox listening after this process ends, however it ends.
	const killOnExit = () => child.kill('SIGKILL');
	process.once('exit', killOnExit);

	await new Promise((resolve, reject) => {
		const timer = setTimeout(() => {
			child.kill('SIGKILL');
			reject(
				new Error(
					`the sandbox did not print its ready line within ${readyTimeoutMs / 1000} s:\n${printed}`,
				),
			);
		}, readyTimeoutMs);
		onReady = () => {
			clearTimeout(timer);
			resolve();
		};
		void exited.then(() => {
			clearTimeout(timer);
			reject(
				new Error(`the sandbox exited (${JSON.stringify(exit)}) before listening:\n${printed}`),
			);
		});
	});

	async function stop() {
		process.off('exit', killOnExit);
		if (exit) return exit;
		child.kill('SIGTERM');
		let timer;
		const timeout = new Promise(
			(resolve) => (timer = setTimeout(resolve, STOP_TIMEOUT_MS, 'timeout')),
		);
		const first = await Promise.race([exited, timeout]);
		clearTimeout(timer); // an armed timer would keep jest (or dev.js) alive
		if (first === 'timeout') child.kill('SIGKILL');
		return await exited;
	}

	return {
		url: announced.url,
		pid: child.pid,
		practiceId: announced.practiceId,
		credential: announced.credential,
		output: () => printed,
		exited,
		stop,
	};
}

module.exports = { launchSandbox, READY_PREFIX };
