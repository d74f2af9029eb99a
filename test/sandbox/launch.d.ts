// Types for launch.js (plain CommonJS so that scripts/n8n/dev.js runs without a TypeScript step).

/** What cli.ts --ready-line prints once listening, followed by the JSON of a LaunchAnnouncement. */
export declare const READY_PREFIX: string;

export interface LaunchOptions {
	/** Default 0: a free port. */
	port?: number;
	departments?: number;
	tokenLifetimeSec?: number;
	/** How long the sandbox keeps processed records for replays (default: athena's 24 hours). */
	retentionMs?: number;
	replayIncludesQueued?: boolean;
	replayIgnoresOffset?: boolean;
	/** Called with everything the sandbox prints (but the ready line). */
	onOutput?: (text: string, stream: 'stdout' | 'stderr') => void;
	/** Its own process group, so that Ctrl-C in a terminal reaches only the caller (which stops it). */
	detached?: boolean;
	/** Default 60 000. */
	readyTimeoutMs?: number;
}

export interface LaunchAnnouncement {
	/** e.g. `http://127.0.0.1:12345`. */
	url: string;
	practiceId: string;
	/** The data of an athenahealthApi credential logging in as the demo client (seed.ts sandboxCredentialData). */
	credential: Record<string, string>;
}

export interface SandboxExit {
	code: number | null;
	signal: NodeJS.Signals | null;
}

export interface LaunchedSandbox extends LaunchAnnouncement {
	pid: number;
	/** The latest of what the sandbox printed (its stdout and stderr). */
	output(): string;
	/** Resolves when the process ends, however it ends. */
	exited: Promise<SandboxExit>;
	/** SIGTERM, then SIGKILL after 5 s; resolves once it exited. */
	stop(): Promise<SandboxExit>;
}

export declare function launchSandbox(options?: LaunchOptions): Promise<LaunchedSandbox>;
