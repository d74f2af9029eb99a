// Starts the cached n8n (Node 24, scripts/n8n/install.js) on loopback and talks to it.
// Used by scripts/n8n/dev.js and by the jest e2e harness (test/e2e/realN8n.ts); types in n8n-process.d.ts.
'use strict';

const { spawn } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');
const { paths, isInstalled } = require('./install');

const HOST = '127.0.0.1';
// A fixed key: credentials saved by one run stay readable in the next run with the same user folder.
const ENCRYPTION_KEY = 'athena-n8n-local-encryption-key';
// n8n ties its auth cookie to this header; any constant value works for a headless client.
const BROWSER_ID = 'athena-n8n-scripts';

/** Everything that keeps n8n on 127.0.0.1 and stops it calling out (see docs/real-n8n.md). */
function n8nEnv({ userFolder, port, brokerPort }) {
	return {
		N8N_USER_FOLDER: userFolder,
		N8N_PORT: String(port),
		N8N_HOST: HOST,
		N8N_LISTEN_ADDRESS: HOST,
		N8N_PROTOCOL: 'http',
		N8N_EDITOR_BASE_URL: `http://${HOST}:${port}`,
		// The task-runner broker defaults to 5679 on all interfaces: own port per instance, loopback.
		N8N_RUNNERS_BROKER_PORT: String(brokerPort),
		N8N_RUNNERS_BROKER_LISTEN_ADDRESS: HOST,
		N8N_SECURE_COOKIE: 'false', // plain http on loopback
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_TEMPLATES_ENABLED: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		N8N_HIRING_BANNER_ENABLED: 'false',
		N8N_DYNAMIC_BANNERS_ENABLED: 'false',
		N8N_AI_ENABLED: 'false',
		N8N_DISABLED_MODULES: 'mcp-registry', // 2.41 otherwise calls out at start
		// The editor's node panel would fetch the vetted community-node list from api.n8n.io;
		// packages installed on disk (ours) load either way.
		N8N_VERIFIED_PACKAGES_ENABLED: 'false',
		N8N_UNVERIFIED_PACKAGES_ENABLED: 'true',
		N8N_ENCRYPTION_KEY: ENCRYPTION_KEY,
		N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'true',
		DB_TYPE: 'sqlite',
		N8N_GRACEFUL_SHUTDOWN_TIMEOUT: '10',
		NODE_ENV: 'production',
	};
}

/** The caller's environment minus anything that would steer n8n (jest sets NODE_ENV and N8N_*). */
function cleanParentEnv() {
	const env = {};
	for (const [key, value] of Object.entries(process.env)) {
		if (/^(N8N_|DB_|npm_)/.test(key) || ['NODE_OPTIONS', 'NODE_PATH', 'NODE_ENV'].includes(key))
			continue;
		env[key] = value;
	}
	return env;
}

/** A free TCP port on 127.0.0.1 (the OS picks it; tiny race until n8n binds it). */
function freePort() {
	return new Promise((resolve, reject) => {
		const server = net.createServer();
		server.unref();
		server.on('error', reject);
		server.listen(0, HOST, () => {
			const { port } = server.address();
			server.close(() => resolve(port));
		});
	});
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Resident memory of one process in bytes (Linux /proc), or undefined. */
function rssOf(pid) {
	try {
		const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
		return m ? Number(m[1]) * 1024 : undefined;
	} catch {
		return undefined;
	}
}

/** Resident memory of the n8n main process and its children (task runner), Linux only. */
function rssTree(rootPid) {
	const children = new Map();
	for (const entry of fs.existsSync('/proc') ? fs.readdirSync('/proc') : []) {
		if (!/^\d+$/.test(entry)) continue;
		try {
			const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
			const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
			children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
		} catch {}
	}
	const result = [];
	const walk = (pid) => {
		result.push({ pid, rss: rssOf(pid) });
		for (const child of children.get(pid) ?? []) walk(child);
	};
	walk(rootPid);
	return result;
}

/**
 * Spawns `node24 n8n start` and resolves once n8n is ready (see isReady). Rejects, after killing
 * n8n, if it exits or times out first.
 */
async function startN8n({
	userFolder,
	port,
	brokerPort,
	env = {},
	timeoutMs = 120_000,
	echo = false,
	command = 'start',
	args = [],
	healthUrl,
} = {}) {
	const p = paths();
	if (!isInstalled(p))
		throw new Error(`n8n is not installed in ${p.cache}: run node scripts/n8n/install.js`);
	if (!userFolder) throw new Error('startN8n: userFolder is required');
	port ??= await freePort();
	brokerPort ??= await freePort();
	fs.mkdirSync(userFolder, { recursive: true });
	const url = `http://${HOST}:${port}`;

	const logFile = path.join(userFolder, 'n8n.log');
	const logStream = fs.createWriteStream(logFile, { flags: 'a' });
	const lines = [];
	const t0 = Date.now();
	const child = spawn(p.nodeBin, [p.n8nBin, command, ...args], {
		cwd: userFolder,
		env: {
			...cleanParentEnv(),
			// n8n's own npm calls (community packages) and task runner must see Node 24 too.
			PATH: `${path.dirname(p.nodeBin)}${path.delimiter}${process.env.PATH}`,
			...n8nEnv({ userFolder, port, brokerPort }),
			...env,
		},
		stdio: ['ignore', 'pipe', 'pipe'],
		// Own process group: stop() signals n8n and its task runner together.
		detached: true,
	});
	const onData = (chunk) => {
		const text = chunk.toString();
		logStream.write(text);
		for (const line of text.split('\n')) if (line) lines.push(line);
		if (lines.length > 5000) lines.splice(0, lines.length - 5000);
		if (echo) process.stdout.write(text.replace(/^(?=.)/gm, '[n8n] '));
	};
	child.stdout.on('data', onData);
	child.stderr.on('data', onData);

	let exited = null;
	const exitPromise = new Promise((resolve) => {
		child.on('exit', (code, signal) => {
			exited = { code, signal };
			resolve(exited);
		});
	});
	child.on('close', () => logStream.end()); // after the last output, unlike 'exit'
	// Never leave an orphaned n8n behind if the caller exits without calling stop().
	const killOnExit = () => {
		if (!exited) signalGroup(child.pid, 'SIGKILL');
	};
	process.on('exit', killOnExit);

	/** kill -9 (or another signal) of n8n and its task runner, as a crash would; resolves once it exited. */
	async function kill(signal = 'SIGKILL') {
		if (!exited) {
			signalGroup(child.pid, signal);
			await exitPromise;
		}
		signalGroup(child.pid, 'SIGKILL');
		process.removeListener('exit', killOnExit);
		return exited;
	}

	async function stop({ timeoutMs: stopTimeout = 20_000 } = {}) {
		if (!exited) {
			signalGroup(child.pid, 'SIGTERM');
			let timer;
			const timeout = new Promise(
				(resolve) => (timer = setTimeout(resolve, stopTimeout, 'timeout')),
			);
			const first = await Promise.race([exitPromise, timeout]);
			clearTimeout(timer); // an armed timer would keep jest (or dev.js) alive
			if (first === 'timeout') {
				signalGroup(child.pid, 'SIGKILL');
				await exitPromise;
			}
		}
		// The task runner can outlive the main process by a moment.
		signalGroup(child.pid, 'SIGKILL');
		process.removeListener('exit', killOnExit);
		return exited;
	}

	const instance = {
		url,
		port,
		brokerPort,
		userFolder,
		pid: child.pid,
		logFile,
		startMs: undefined,
		logs: () => lines.join('\n'),
		rss: () => rssTree(child.pid),
		exited: () => exited,
		stop,
		kill,
	};

	const deadline = t0 + timeoutMs;
	for (;;) {
		if (exited) {
			await stop(); // reaps a task runner left behind
			throw new Error(
				`n8n exited (${JSON.stringify(exited)}) before it was ready:\n${lines.slice(-40).join('\n')}`,
			);
		}
		if (Date.now() > deadline) {
			await stop();
			throw new Error(
				`n8n was not ready at ${url} within ${timeoutMs} ms:\n${lines.slice(-40).join('\n')}`,
			);
		}
		// A worker serves no editor: its health endpoint says when it is up.
		if (healthUrl ? await isHealthy(healthUrl) : await isReady(url)) break;
		await sleep(200);
	}
	instance.startMs = Date.now() - t0;
	return instance;
}

/**
 * n8n listens before its database is migrated and then answers every route, /rest/settings too,
 * with 200 "n8n is starting up. Please wait". Ready means /healthz/readiness = 200 (connected,
 * migrated, server fully started) and /rest/settings returning its JSON.
 */
async function isReady(url) {
	try {
		const readiness = await fetch(`${url}/healthz/readiness`, {
			signal: AbortSignal.timeout(2000),
		});
		await readiness.text(); // drain, so the keep-alive socket is reused
		if (readiness.status !== 200) return false;
		const settings = await fetch(`${url}/rest/settings`, { signal: AbortSignal.timeout(2000) });
		return settings.status === 200 && (await settings.json().catch(() => null))?.data !== undefined;
	} catch {
		return false;
	}
}

async function isHealthy(healthUrl) {
	try {
		const response = await fetch(healthUrl, { signal: AbortSignal.timeout(2000) });
		await response.text();
		return response.status === 200;
	} catch {
		return false;
	}
}

function signalGroup(pid, signal) {
	try {
		process.kill(-pid, signal);
	} catch {}
}

async function request(url, { method = 'GET', headers = {}, body } = {}) {
	const res = await fetch(url, {
		method,
		headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
		body: body !== undefined ? JSON.stringify(body) : undefined,
	});
	const text = await res.text();
	let json;
	try {
		json = text ? JSON.parse(text) : undefined;
	} catch {}
	if (!res.ok) {
		const err = new Error(`${method} ${url} -> ${res.status}: ${text.slice(0, 500)}`);
		err.status = res.status;
		err.body = json ?? text;
		throw err;
	}
	return { res, json };
}

// n8n's password rules: 8-64 characters, at least one number and one capital letter.
const DEFAULT_OWNER = {
	email: 'owner@athena.local',
	password: 'Athena-n8n-1',
	firstName: 'Athena',
	lastName: 'Dev',
};

/**
 * Creates the instance owner (first run) or logs in (owner already set up), then creates an API key
 * with every scope the instance offers. Returns { apiKey, cookie, email, password }.
 */
async function setupOwner(url, owner = {}) {
	const { email, password, firstName, lastName } = { ...DEFAULT_OWNER, ...owner };
	const headers = { 'browser-id': BROWSER_ID };
	let res;
	try {
		({ res } = await request(`${url}/rest/owner/setup`, {
			method: 'POST',
			headers,
			body: { email, password, firstName, lastName },
		}));
	} catch (err) {
		// A reused user folder already has its owner: log in with the same credentials instead.
		if (err.status !== 400) throw err;
		({ res } = await request(`${url}/rest/login`, {
			method: 'POST',
			headers,
			body: { emailOrLdapLoginId: email, password },
		}));
	}
	const cookie = res.headers
		.getSetCookie()
		.map((c) => c.split(';')[0])
		.find((c) => c.startsWith('n8n-auth='));
	if (!cookie) throw new Error(`${url}: owner setup/login returned no n8n-auth cookie`);

	const authed = { ...headers, cookie };
	const { json: scopes } = await request(`${url}/rest/api-keys/scopes`, { headers: authed });
	const { json: created } = await request(`${url}/rest/api-keys`, {
		method: 'POST',
		headers: authed,
		body: { label: `scripts-${Date.now()}`, scopes: scopes.data, expiresAt: null },
	});
	const apiKey = created.data.rawApiKey;
	if (!apiKey) throw new Error(`${url}: /rest/api-keys returned no rawApiKey`);
	return { apiKey, cookie, email, password, browserId: BROWSER_ID };
}

/** Thin client for n8n's public API (/api/v1) with an API key. */
function publicApi(url, apiKey) {
	const call = async (method, route, body) =>
		(await request(`${url}/api/v1${route}`, { method, headers: { 'X-N8N-API-KEY': apiKey }, body }))
			.json;
	return {
		call,
		createCredential: ({ name, type, data }) => call('POST', '/credentials', { name, type, data }),
		listCredentials: () => call('GET', '/credentials?limit=250'),
		updateCredential: (id, { name, data }) => call('PATCH', `/credentials/${id}`, { name, data }),
		testCredential: (id) => call('POST', `/credentials/${id}/test`),
		credentialSchema: (type) => call('GET', `/credentials/schema/${encodeURIComponent(type)}`),
		// The public API accepts only these fields; exported workflows carry more (id, active, tags...).
		createWorkflow: ({ name, nodes, connections, settings, staticData }) =>
			call('POST', '/workflows', {
				name,
				nodes,
				connections: connections ?? {},
				settings: settings ?? {},
				staticData,
			}),
		getWorkflow: (id) => call('GET', `/workflows/${id}`),
		listWorkflows: ({ name, active } = {}) => {
			const q = new URLSearchParams({ limit: '250' });
			if (name !== undefined) q.set('name', name);
			if (active !== undefined) q.set('active', String(active));
			return call('GET', `/workflows?${q}`);
		},
		activate: (id) => call('POST', `/workflows/${id}/activate`),
		deactivate: (id) => call('POST', `/workflows/${id}/deactivate`),
		listExecutions: ({ workflowId, status, limit = 100, includeData = false } = {}) => {
			const q = new URLSearchParams({ limit: String(limit), includeData: String(includeData) });
			if (workflowId) q.set('workflowId', String(workflowId));
			if (status) q.set('status', status);
			return call('GET', `/executions?${q}`);
		},
		getExecution: (id, { includeData = true } = {}) =>
			call('GET', `/executions/${id}?includeData=${includeData}`),
	};
}

/** Node types the running instance knows (what the editor loads), with the owner's cookie. */
async function listNodeTypes(url, cookie) {
	const { json } = await request(`${url}/types/nodes.json`, {
		headers: { cookie, 'browser-id': BROWSER_ID },
	});
	return json;
}

module.exports = {
	HOST,
	ENCRYPTION_KEY,
	DEFAULT_OWNER,
	n8nEnv,
	freePort,
	startN8n,
	setupOwner,
	publicApi,
	listNodeTypes,
	rssOf,
	rssTree,
};
