import { readFileSync } from 'node:fs';

import { sandboxControl, type SandboxControl } from '../test/sandbox/controlClient';
import { launchSandbox } from '../test/sandbox/launch';

/**
 * The athena sandbox (test/sandbox/launch.js, real-time clock) in a child process, driven through its
 * `/_sandbox/*` control endpoints: its CPU is not counted as ours and it runs on the other core.
 */
export interface SandboxProcess extends SandboxControl {
	url: string;
	pid: number;
	/** The child's CPU time so far (user + system, ms), from /proc; undefined off Linux. */
	cpuMs(): number | undefined;
	close(): Promise<void>;
}

/**
 * `retentionMs`: the benchmark queues about 1.2 million records; with athena's 24 hours the child would
 * keep every one it processed (for replays). No scenario needs a record for more than about 15 seconds.
 */
export async function startSandboxProcess(options: {
	departments: number;
	tokenLifetimeSec: number;
	retentionMs: number;
}): Promise<SandboxProcess> {
	const launched = await launchSandbox({
		...options,
		onOutput: (text, stream) => stream === 'stderr' && process.stderr.write(text),
	});
	return {
		...sandboxControl(launched.url),
		url: launched.url,
		pid: launched.pid,
		cpuMs: () => childCpuMs(launched.pid),
		async close() {
			await launched.stop();
		},
	};
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
