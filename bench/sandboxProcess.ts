import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { FaultConfig, InjectSpec, QueueSummary, SandboxStats } from '../test/sandbox';
import { controlClient } from '../test/sandbox/controlClient';

const ROOT = join(__dirname, '..');

/**
 * The athena sandbox (`startSandbox`, real-time clock, see sandboxChild.ts) in a child process, driven through
 * its `/_sandbox/*` control endpoints: its CPU is not counted as ours and it runs on the other core.
 */
export interface SandboxProcess {
	url: string;
	pid: number;
	inject(spec: InjectSpec & { returnRecords?: boolean }): Promise<{ injected: number; ids: Array<string | number>; records?: Record<string, unknown>[] }>;
	setFaults(config: FaultConfig): Promise<void>;
	stats(): Promise<SandboxStats>;
	queues(): Promise<QueueSummary[]>;
	/** Every issued token stops working at once (as if its lifetime ended). */
	expireTokens(): Promise<void>;
	/** The child's CPU time so far (user + system, ms), from /proc; undefined off Linux. */
	cpuMs(): number | undefined;
	close(): Promise<void>;
}

export async function startSandboxProcess(options: { departments: number; tokenLifetimeSec: number; retentionMs: number }): Promise<SandboxProcess> {
	const args = [options.departments, options.tokenLifetimeSec, options.retentionMs].map(String);
	const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', join(__dirname, 'sandboxChild.ts'), ...args], {
		cwd: ROOT,
		stdio: ['ignore', 'pipe', 'inherit'],
	});
	// Never leave the sandbox listening after this process ends, however it ends.
	const stop = () => child.kill('SIGTERM');
	process.once('exit', stop);
	const url = await listeningUrl(child);
	const control = controlClient(url);
	return {
		url,
		pid: child.pid!,
		inject: (spec) => control('POST', 'inject', spec),
		setFaults: async (config) => {
			await control('POST', 'faults', config);
		},
		stats: () => control('GET', 'stats'),
		queues: () => control('GET', 'queues'),
		expireTokens: async () => {
			await control('POST', 'tokens/expire');
		},
		cpuMs: () => childCpuMs(child.pid!),
		close: () =>
			new Promise<void>((resolve) => {
				process.off('exit', stop);
				if (child.exitCode !== null) return resolve();
				child.once('exit', () => resolve());
				child.kill('SIGTERM');
			}),
	};
}

function listeningUrl(child: ChildProcess): Promise<string> {
	return new Promise((resolve, reject) => {
		let seen = '';
		const timer = setTimeout(() => reject(new Error(`sandbox did not start: ${seen}`)), 60_000);
		child.once('exit', (code) => reject(new Error(`sandbox exited (${code}): ${seen}`)));
		child.stdout!.on('data', (chunk: Buffer) => {
			seen += chunk.toString();
			const match = /listening on (http:\/\/\S+)/.exec(seen);
			if (match) {
				clearTimeout(timer);
				// Keep draining its stdout so the child never blocks on a full pipe.
				child.stdout!.removeAllListeners('data');
				child.stdout!.resume();
				resolve(match[1]);
			}
		});
	});
}

/** utime + stime of a process in ms (/proc/<pid>/stat fields 14 and 15, in clock ticks of 10 ms). */
function childCpuMs(pid: number): number | undefined {
	try {
		const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
		const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
		return (Number(fields[11]) + Number(fields[12])) * 10;
	} catch {
		return undefined;
	}
}
