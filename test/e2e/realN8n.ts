// Jest helpers for end-to-end tests against a real n8n (the pinned one from scripts/n8n/install.js,
// installed by global-setup.js). Each suite gets its own user folder, ports, owner and API key.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';

import { paths } from '../../scripts/n8n/install';
import {
	freePort,
	listNodeTypes,
	n8nEnv,
	publicApi,
	setupOwner,
	startN8n,
	type N8nInstance,
	type Owner,
	type PublicApi,
} from '../../scripts/n8n/n8n-process';
import { installPackedPackage } from '../../scripts/n8n/pack';

export const REPO_ROOT = resolve(__dirname, '..', '..');

/**
 * The built package to install into n8n: this checkout, or (ATHENA_E2E_PACKAGE_DIR) another built
 * package, e.g. a fixture used to check the harness itself.
 */
export const PACKAGE_DIR = process.env.ATHENA_E2E_PACKAGE_DIR
	? resolve(process.env.ATHENA_E2E_PACKAGE_DIR)
	: REPO_ROOT;

export interface E2eN8n extends N8nInstance {
	owner: Owner;
	api: PublicApi;
	packageName: string;
	/** Node types the editor would list (GET /types/nodes.json). */
	nodeTypes(): Promise<Array<{ name: string; displayName: string; [k: string]: unknown }>>;
	/**
	 * Stops n8n (SIGTERM, as a service manager would) and starts it again on the same port with the
	 * same user folder, database and encryption key; logs in again for a fresh API key. The old
	 * object must not be used afterwards. `whileStopped` runs while n8n is down.
	 */
	restart(options?: { whileStopped?: () => Promise<void>; kill?: boolean }): Promise<E2eN8n>;
}

/**
 * Packs PACKAGE_DIR (or takes an already packed `tarball`), installs it the way n8n installs a
 * community package into a fresh user folder, starts n8n on free loopback ports and sets up the
 * owner with an API key. Call stop() in afterAll: it stops n8n and deletes the user folder (kept
 * when ATHENA_E2E_KEEP=1, for reading n8n.log).
 */
export async function startE2eN8n(
	options: { packageDir?: string; tarball?: string; env?: Record<string, string> } = {},
): Promise<E2eN8n> {
	const userFolder = mkdtempSync(join(tmpdir(), 'athena-e2e-n8n-'));
	const removeFolder = () => {
		if (process.env.ATHENA_E2E_KEEP !== '1') rmSync(userFolder, { recursive: true, force: true });
	};
	let n8n: N8nInstance | undefined;
	try {
		const pkg = installPackedPackage({
			userFolder,
			packageDir: options.packageDir ?? PACKAGE_DIR,
			tarball: options.tarball,
			log: () => {},
		});
		n8n = await startN8n({ userFolder, env: options.env });
		return await withOwner(n8n, pkg.name, options.env, removeFolder);
	} catch (err) {
		await n8n?.stop();
		removeFolder();
		throw err;
	}
}

async function withOwner(
	instance: N8nInstance,
	packageName: string,
	env: Record<string, string> | undefined,
	removeFolder: () => void,
): Promise<E2eN8n> {
	const owner = await setupOwner(instance.url);
	return {
		...instance,
		owner,
		api: publicApi(instance.url, owner.apiKey),
		packageName,
		nodeTypes: () => listNodeTypes(instance.url, owner.cookie),
		async stop(stopOptions) {
			const exit = await instance.stop(stopOptions);
			removeFolder();
			return exit;
		},
		async restart({ whileStopped, kill = false } = {}) {
			// kill: as a crash (kill -9); otherwise as a service manager stops it (SIGTERM).
			const exit = kill ? await instance.kill('SIGKILL') : await instance.stop();
			if (!kill && exit?.signal === 'SIGKILL')
				throw new Error('n8n did not stop on SIGTERM within 20 s; it was killed');
			let next: N8nInstance | undefined;
			try {
				await whileStopped?.();
				next = await startN8n({
					userFolder: instance.userFolder,
					port: instance.port,
					brokerPort: instance.brokerPort,
					env,
				});
				return await withOwner(next, packageName, env, removeFolder);
			} catch (err) {
				await next?.stop();
				removeFolder();
				throw err;
			}
		},
	};
}

/**
 * pollTimes for a polling trigger that fire every `seconds` (n8n refuses sub-minute cron steps,
 * but accepts a list of per-minute custom crons: "0 * * * * *", "5 * * * * *", ...).
 */
export function fastPollTimes(seconds = 5) {
	const item = [];
	for (let s = 0; s < 60; s += seconds)
		item.push({ mode: 'custom', cronExpression: `${s} * * * * *` });
	return { item };
}

/** Retries `check` until it returns a value other than undefined/false, or throws after timeoutMs. */
export async function waitFor<T>(
	check: () => Promise<T | undefined | false> | T | undefined | false,
	{ timeoutMs = 60_000, intervalMs = 500, what = 'condition' } = {},
): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	let lastError: unknown;
	for (;;) {
		try {
			const value = await check();
			if (value !== undefined && value !== false) return value as T;
		} catch (err) {
			lastError = err;
		}
		if (Date.now() > deadline) {
			throw new Error(
				`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? `: ${lastError}` : ''}`,
			);
		}
		await new Promise((r) => setTimeout(r, intervalMs));
	}
}

/**
 * Runs a workflow that starts with a Manual Trigger through `n8n execute --id` (a second n8n process
 * on the same user folder and database, with its own task-runner broker port, while the server
 * runs). The execution is stored like any other: read it through the API.
 */
export async function executeWithCli(
	n8n: E2eN8n,
	workflowId: string,
	timeoutMs = 60_000,
): Promise<{ code: number | null; output: string }> {
	const p = paths();
	// Like startN8n: nothing of jest's environment (NODE_ENV, N8N_*, npm_*) steers the second process.
	const env: Record<string, string> = {};
	for (const [key, value] of Object.entries(process.env)) {
		if (
			value === undefined ||
			/^(N8N_|DB_|npm_|JEST_)/.test(key) ||
			['NODE_OPTIONS', 'NODE_PATH', 'NODE_ENV'].includes(key)
		)
			continue;
		env[key] = value;
	}
	Object.assign(env, {
		PATH: `${dirname(p.nodeBin)}${delimiter}${process.env.PATH}`,
		...n8nEnv({ userFolder: n8n.userFolder, port: await freePort(), brokerPort: await freePort() }),
	});
	return await new Promise((resolvePromise, reject) => {
		// Own process group, so that its task runner goes with it.
		const child = spawn(p.nodeBin, [p.n8nBin, 'execute', `--id=${workflowId}`], {
			cwd: n8n.userFolder,
			env,
			stdio: ['ignore', 'pipe', 'pipe'],
			detached: true,
		});
		const killGroup = () => {
			try {
				process.kill(-child.pid!, 'SIGKILL');
			} catch {}
		};
		let output = '';
		child.stdout.on('data', (chunk) => (output += chunk));
		child.stderr.on('data', (chunk) => (output += chunk));
		const timer = setTimeout(() => {
			killGroup();
			reject(
				new Error(
					`n8n execute --id=${workflowId} did not finish within ${timeoutMs} ms:\n${output.slice(-3000)}`,
				),
			);
		}, timeoutMs);
		child.on('exit', (code) => {
			clearTimeout(timer);
			killGroup();
			resolvePromise({ code, output });
		});
	});
}
