// The athena sandbox (test/sandbox/cli.ts, real-time clock) as a child process for the e2e suites,
// driven through its /_sandbox/* control endpoints. n8n talks to it over loopback like to athena.
import { spawn } from 'node:child_process';
import { join } from 'node:path';

import type { FaultConfig, InjectSpec, QueueSummary, ReplayBehaviour, SandboxStats } from '../sandbox';
import { controlClient } from '../sandbox/controlClient';
import { DEMO_CLIENT, PRACTICE_ID } from '../sandbox/seed';

const ROOT = join(__dirname, '..', '..');

/** The sandbox's demo API client and practice. */
export const SANDBOX_CLIENT = DEMO_CLIENT;
export { PRACTICE_ID };

export interface SandboxCase {
	patientcaseid: number;
	patientid: string;
	departmentid: string;
	providerid: string;
	documentsource: string;
	documentsubclass: string;
	subject?: string;
	internalnote?: string;
	priority?: string;
	status: string;
	callbackname?: string;
	callbacknumber?: string;
	createdvia: string;
	creatorclientid?: string;
	[key: string]: unknown;
}

export interface SandboxProcess {
	url: string;
	pid: number;
	/** The data of an athenahealthApi credential pointing at this sandbox. */
	credentialData(): Record<string, string>;
	inject(spec: InjectSpec): Promise<{ injected: number; ids: Array<string | number> }>;
	queues(): Promise<QueueSummary[]>;
	cases(): Promise<SandboxCase[]>;
	stats(): Promise<SandboxStats>;
	setFaults(config: FaultConfig): Promise<void>;
	setReplayBehaviour(behaviour: Partial<ReplayBehaviour>): Promise<ReplayBehaviour>;
	reset(): Promise<void>;
	/** Everything the sandbox printed (its stdout and stderr). */
	output(): string;
	close(): Promise<void>;
}

export async function startSandbox(options: { departments?: number } & Partial<ReplayBehaviour> = {}): Promise<SandboxProcess> {
	const args = ['-r', 'ts-node/register/transpile-only', join(ROOT, 'test/sandbox/cli.ts'), '--port', '0'];
	if (options.departments !== undefined) args.push('--departments', String(options.departments));
	if (options.includesQueued) args.push('--replay-includes-queued');
	if (options.ignoresOffset) args.push('--replay-ignores-offset');
	const child = spawn(process.execPath, args, {
		cwd: ROOT,
		env: { ...process.env, TS_NODE_PROJECT: join(ROOT, 'tsconfig.test.json') },
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	let printed = '';
	const collect = (chunk: Buffer) => {
		printed += chunk.toString();
		if (printed.length > 200_000) printed = printed.slice(-100_000);
	};
	child.stdout.on('data', collect);
	child.stderr.on('data', collect);
	let exited = false;
	const exitPromise = new Promise<void>((resolve) =>
		child.once('exit', () => {
			exited = true;
			resolve();
		}),
	);
	// Never leave the sandbox listening after jest's worker ends, however it ends.
	const killOnExit = () => child.kill('SIGKILL');
	process.once('exit', killOnExit);

	const url = await new Promise<string>((resolve, reject) => {
		const timer = setTimeout(() => {
			child.kill('SIGKILL');
			reject(new Error(`the sandbox did not print its URL within 60 s:\n${printed}`));
		}, 60_000);
		const check = () => {
			const match = /listening on (http:\/\/\S+)/.exec(printed);
			if (match) {
				clearTimeout(timer);
				child.stdout.off('data', check);
				resolve(match[1]);
			}
		};
		child.stdout.on('data', check);
		void exitPromise.then(() => {
			clearTimeout(timer);
			reject(new Error(`the sandbox exited before listening:\n${printed}`));
		});
	});

	const control = controlClient(url);

	return {
		url,
		pid: child.pid!,
		credentialData: () => ({
			environment: 'custom',
			customBaseUrl: url,
			clientId: SANDBOX_CLIENT.clientId,
			clientSecret: SANDBOX_CLIENT.secret,
			practiceId: PRACTICE_ID,
			scope: 'athena/service/Athenanet.MDP.*',
		}),
		inject: (spec) => control('POST', 'inject', spec),
		queues: () => control('GET', 'queues'),
		cases: () => control('GET', 'cases'),
		stats: () => control('GET', 'stats'),
		setFaults: async (config) => {
			await control('POST', 'faults', config);
		},
		setReplayBehaviour: (behaviour) => control('POST', 'replay', behaviour),
		reset: async () => {
			await control('POST', 'reset');
		},
		output: () => printed,
		async close() {
			process.off('exit', killOnExit);
			if (exited) return;
			child.kill('SIGTERM');
			let timer: NodeJS.Timeout | undefined;
			const timeout = new Promise((resolve) => (timer = setTimeout(resolve, 5000, 'timeout')));
			const first = await Promise.race([exitPromise, timeout]);
			clearTimeout(timer);
			if (first === 'timeout') {
				child.kill('SIGKILL');
				await exitPromise;
			}
		},
	};
}
