// The athena sandbox (test/sandbox/cli.ts, real-time clock) as a child process for the e2e suites,
// driven through its /_sandbox/* control endpoints. n8n talks to it over loopback like to athena.
import type { ReplayBehaviour } from '../sandbox';
import { sandboxControl, type SandboxControl } from '../sandbox/controlClient';
import { launchSandbox } from '../sandbox/launch';
import { DEMO_CLIENT, PRACTICE_ID } from '../sandbox/seed';

/** The sandbox's demo API client and practice. */
export const SANDBOX_CLIENT = DEMO_CLIENT;
export { PRACTICE_ID };

export interface SandboxProcess extends SandboxControl {
	url: string;
	pid: number;
	/** The data of an athenahealthApi credential pointing at this sandbox. */
	credentialData(): Record<string, string>;
	/** Everything the sandbox printed (its stdout and stderr). */
	output(): string;
	close(): Promise<void>;
}

export async function startSandbox(
	options: { departments?: number } & Partial<ReplayBehaviour> = {},
): Promise<SandboxProcess> {
	const launched = await launchSandbox({
		departments: options.departments,
		replayIncludesQueued: options.includesQueued,
		replayIgnoresOffset: options.ignoresOffset,
	});
	return {
		...sandboxControl(launched.url),
		url: launched.url,
		pid: launched.pid,
		credentialData: () => ({ ...launched.credential }),
		output: launched.output,
		async close() {
			await launched.stop();
		},
	};
}
