// Types for queue.js.
import type { N8nInstance } from './n8n-process';

export interface QueueWorker extends N8nInstance {
	name: string;
}

export interface QueueCluster {
	base: string;
	postgres: {
		port: number;
		dir: string;
		/** One SQL statement through psql; its rows, one a line, columns tab-separated. */
		query(sql: string): string;
		stop(): void;
	};
	redis: { port: number; dir: string; stop(): void };
	readonly main: N8nInstance;
	workers: QueueWorker[];
	startWorker(index: number): Promise<QueueWorker>;
	restartMain(): Promise<N8nInstance>;
	/** Stops the main and the workers (SIGTERM), runs whileStopped, starts them all again; the new main. */
	restart(options?: { whileStopped?: () => Promise<void> }): Promise<N8nInstance>;
	/** The worker whose log (this run's output or its log file, which keeps earlier runs') says it started this execution. */
	workerOf(executionId: string): string | undefined;
	stop(): Promise<void>;
}

export declare const PG_BIN: string;
export declare function ensurePackages(log?: (message: string) => void): void;
export declare function startQueue(options?: {
	workers?: number;
	packageDir?: string;
	/** An already packed package (.tgz) to install instead of packing packageDir. */
	tarball?: string;
	port?: number;
	env?: Record<string, string>;
	log?: (message: string) => void;
	echo?: boolean;
	concurrency?: number;
}): Promise<QueueCluster>;
