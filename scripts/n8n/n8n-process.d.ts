// Types for n8n-process.js (plain CommonJS so that dev.js runs without a TypeScript step).

export declare const HOST: '127.0.0.1';
export declare const ENCRYPTION_KEY: string;
export declare const DEFAULT_OWNER: OwnerInput;

export interface StartOptions {
	userFolder: string;
	/** Defaults to a free port. */
	port?: number;
	/** Task-runner broker port; defaults to a free port. */
	brokerPort?: number;
	/** Extra environment for n8n, applied last. */
	env?: Record<string, string>;
	/** How long to wait for GET /rest/settings = 200 (default 120 000). */
	timeoutMs?: number;
	/** Copy n8n's output to this process's stdout, prefixed "[n8n] ". */
	echo?: boolean;
	/** n8n's command (default `start`; `worker` for a queue-mode worker) and its arguments. */
	command?: 'start' | 'worker';
	args?: string[];
	/** Ready when this URL answers 200 (a worker's /healthz) instead of the editor's readiness. */
	healthUrl?: string;
}

export interface ProcessRss {
	pid: number;
	rss: number | undefined;
}

export interface N8nInstance {
	url: string;
	port: number;
	brokerPort: number;
	userFolder: string;
	pid: number;
	/** n8n's output is also appended here. */
	logFile: string;
	/** Milliseconds from spawn to /rest/settings = 200. */
	startMs: number;
	logs(): string;
	/** Resident memory of n8n and its child processes (Linux). */
	rss(): ProcessRss[];
	exited(): { code: number | null; signal: NodeJS.Signals | null } | null;
	/** SIGTERM to n8n's process group, SIGKILL after timeoutMs (default 20 000). */
	stop(options?: {
		timeoutMs?: number;
	}): Promise<{ code: number | null; signal: NodeJS.Signals | null } | null>;
	/** A signal (default SIGKILL, i.e. kill -9) to n8n's process group, as a crash; resolves once it exited. */
	kill(
		signal?: NodeJS.Signals,
	): Promise<{ code: number | null; signal: NodeJS.Signals | null } | null>;
}

export interface OwnerInput {
	email?: string;
	password?: string;
	firstName?: string;
	lastName?: string;
}

export interface Owner {
	apiKey: string;
	/** "n8n-auth=..." for the internal /rest API (send with header browser-id). */
	cookie: string;
	browserId: string;
	email: string;
	password: string;
}

export interface PublicApi {
	call<T = any>(method: string, route: string, body?: unknown): Promise<T>;
	createCredential(c: { name: string; type: string; data: Record<string, unknown> }): Promise<any>;
	listCredentials(): Promise<any>;
	updateCredential(id: string, c: { name?: string; data?: Record<string, unknown> }): Promise<any>;
	testCredential(id: string): Promise<any>;
	credentialSchema(type: string): Promise<any>;
	createWorkflow(w: {
		name: string;
		nodes: unknown[];
		connections?: Record<string, unknown>;
		settings?: Record<string, unknown>;
		staticData?: unknown;
	}): Promise<any>;
	getWorkflow(id: string): Promise<any>;
	listWorkflows(query?: { name?: string; active?: boolean }): Promise<any>;
	activate(id: string): Promise<any>;
	deactivate(id: string): Promise<any>;
	listExecutions(query?: {
		workflowId?: string;
		status?: string;
		limit?: number;
		includeData?: boolean;
	}): Promise<any>;
	getExecution(id: string | number, options?: { includeData?: boolean }): Promise<any>;
}

export declare function n8nEnv(o: {
	userFolder: string;
	port: number;
	brokerPort: number;
}): Record<string, string>;
export declare function freePort(): Promise<number>;
export declare function startN8n(options: StartOptions): Promise<N8nInstance>;
export declare function setupOwner(url: string, owner?: OwnerInput): Promise<Owner>;
export declare function publicApi(url: string, apiKey: string): PublicApi;
/** The node types the editor loads (GET /types/nodes.json). */
export declare function listNodeTypes(
	url: string,
	cookie: string,
): Promise<Array<{ name: string; displayName: string; [k: string]: unknown }>>;
export declare function rssOf(pid: number): number | undefined;
export declare function rssTree(pid: number): ProcessRss[];
