// Jest helpers for end-to-end tests against a real n8n (the pinned one from scripts/n8n/install.js,
// installed by global-setup.js). Each suite gets its own user folder, ports, owner and API key.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import {
	listNodeTypes,
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
}

/**
 * Packs PACKAGE_DIR, installs it the way n8n installs a community package into a fresh user folder,
 * starts n8n on free loopback ports and sets up the owner with an API key. Call stop() in afterAll:
 * it stops n8n and deletes the user folder (kept when ATHENA_E2E_KEEP=1, for reading n8n.log).
 */
export async function startE2eN8n(options: { packageDir?: string; env?: Record<string, string> } = {}): Promise<E2eN8n> {
	const userFolder = mkdtempSync(join(tmpdir(), 'athena-e2e-n8n-'));
	const removeFolder = () => {
		if (process.env.ATHENA_E2E_KEEP !== '1') rmSync(userFolder, { recursive: true, force: true });
	};
	let n8n: N8nInstance | undefined;
	try {
		const pkg = installPackedPackage({ userFolder, packageDir: options.packageDir ?? PACKAGE_DIR, log: () => {} });
		n8n = await startN8n({ userFolder, env: options.env });
		const owner = await setupOwner(n8n.url);
		const instance = n8n;
		return {
			...instance,
			owner,
			api: publicApi(instance.url, owner.apiKey),
			packageName: pkg.name,
			nodeTypes: () => listNodeTypes(instance.url, owner.cookie),
			async stop(stopOptions) {
				const exit = await instance.stop(stopOptions);
				removeFolder();
				return exit;
			},
		};
	} catch (err) {
		await n8n?.stop();
		removeFolder();
		throw err;
	}
}

/**
 * pollTimes for a polling trigger that fire every `seconds` (n8n refuses sub-minute cron steps,
 * but accepts a list of per-minute custom crons: "0 * * * * *", "5 * * * * *", ...).
 */
export function fastPollTimes(seconds = 5) {
	const item = [];
	for (let s = 0; s < 60; s += seconds) item.push({ mode: 'custom', cronExpression: `${s} * * * * *` });
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
			throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? `: ${lastError}` : ''}`);
		}
		await new Promise((r) => setTimeout(r, intervalMs));
	}
}
