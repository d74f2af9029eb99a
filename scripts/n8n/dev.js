#!/usr/bin/env node
// Local playground: the pinned real n8n with this package installed as users install it, pointed at
// the athena sandbox. Stops everything on Ctrl-C / SIGTERM; a second run reuses .cache (n8n install,
// user folder, owner, credential, imported workflows).
//
//   node scripts/n8n/dev.js [--skip-build] [--queue]
//
// --queue runs n8n in queue mode instead (scripts/n8n/queue.js): PostgreSQL, Redis, a main on the
// same port and two workers, in a temp dir that is deleted on exit (a fresh database each run).
'use strict';

const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');
const { ensureInstalled, REPO_ROOT } = require('./install');
const { installPackedPackage } = require('./pack');
const { startN8n, setupOwner, publicApi, freePort } = require('./n8n-process');
const { launchSandbox } = require('../../test/sandbox/launch');

const N8N_PORT = 5678;
const SANDBOX_PORT = 8790;
const SANDBOX_URL = `http://127.0.0.1:${SANDBOX_PORT}`;
const USER_FOLDER = path.join(REPO_ROOT, '.cache', 'dev-n8n');
const WORKFLOWS_DIR = path.join(__dirname, 'workflows');

// n8n's password rules: 8+ characters with a number and a capital letter.
const OWNER = {
	email: 'dev@athena.local',
	password: 'Athena-Dev-2026',
	firstName: 'Athena',
	lastName: 'Dev',
};

// The dev credential; its data (the sandbox's demo client) is what the sandbox announces when it is
// ready (test/sandbox/seed.ts sandboxCredentialData).
const CREDENTIAL_TYPE = 'athenahealthApi';
const CREDENTIAL_NAME = 'athenahealth sandbox';

const log = (m) => console.log(`[dev] ${m}`);

function portInUse(port) {
	return new Promise((resolve) => {
		const socket = net.connect({ host: '127.0.0.1', port });
		socket.once('connect', () => {
			socket.destroy();
			resolve(true);
		});
		socket.once('error', () => resolve(false));
	});
}

/** Starts the sandbox (test/sandbox/launch.js) on SANDBOX_PORT, its output echoed with a prefix. */
async function startSandbox() {
	if (await portInUse(SANDBOX_PORT))
		throw new Error(`port ${SANDBOX_PORT} is busy: is another sandbox or dev run up?`);
	return await launchSandbox({
		port: SANDBOX_PORT,
		// Own process group: Ctrl-C reaches this script only, which stops n8n before the sandbox.
		detached: true,
		onOutput: (text) => process.stdout.write(text.replace(/^(?=.)/gm, '[sandbox] ')),
	});
}

/** Creates the dev credential, or updates it when a previous run made it (the sandbox URL may change). */
async function ensureCredential(api, data) {
	const existing = (await api.listCredentials()).data?.find(
		(c) => c.name === CREDENTIAL_NAME && c.type === CREDENTIAL_TYPE,
	);
	if (existing) {
		await api.updateCredential(existing.id, { data });
		return existing;
	}
	return await api.createCredential({ name: CREDENTIAL_NAME, type: CREDENTIAL_TYPE, data });
}

/**
 * Imports scripts/n8n/workflows/*.json once each (matched by name), wired to the dev credential, and
 * activates those exported with "active": true. Also used by test/e2e/examples.e2e.test.ts.
 */
async function importWorkflows(api, credential, { dir = WORKFLOWS_DIR, log: say = log } = {}) {
	if (!fs.existsSync(dir)) return [];
	const imported = [];
	for (const file of fs
		.readdirSync(dir)
		.filter((f) => f.endsWith('.json'))
		.sort()) {
		const workflow = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'));
		const name = workflow.name ?? path.basename(file, '.json');
		const found = (await api.listWorkflows({ name })).data ?? [];
		if (found.some((w) => w.name === name)) {
			say(`workflow "${name}" already imported`);
			continue;
		}
		// Exported workflows name a credential id from another instance: point them at ours.
		for (const node of workflow.nodes ?? []) {
			if (node.credentials?.[CREDENTIAL_TYPE]) {
				node.credentials[CREDENTIAL_TYPE] = { id: credential.id, name: credential.name };
			}
		}
		const created = await api.createWorkflow({ ...workflow, name });
		say(`imported workflow "${name}" (${file}) -> id ${created.id}`);
		// The export format's `active` flag (the public API ignores it on create): activate here.
		if (workflow.active === true) {
			try {
				await api.activate(created.id);
				say(`activated workflow "${name}"`);
			} catch (err) {
				say(`WARNING: could not activate workflow "${name}": ${err.message}`);
			}
		}
		imported.push(created);
	}
	return imported;
}

/**
 * The sandbox starts empty on every run while n8n keeps its workflows and their trigger state: the
 * feeds of active athenahealth Trigger nodes are subscribed again as they were (their events and
 * departments), so records queue from now on. Without this a trigger that subscribed in a previous
 * run sees "not subscribed" and, as it must with athena, waits 30 minutes before subscribing again.
 */
async function restoreSubscriptions(api, data) {
	const workflows = (await api.listWorkflows({ active: true })).data ?? [];
	const triggers = workflows.flatMap((workflow) =>
		(workflow.nodes ?? []).filter(
			(node) => node.type === 'n8n-nodes-athenahealth.athenahealthTrigger' && !node.disabled,
		),
	);
	if (triggers.length === 0) return;
	const { getFeed, subscriptionPath } = require(
		path.join(REPO_ROOT, 'dist', 'nodes', 'Athenahealth', 'feeds', 'catalog.js'),
	);
	const tokenResponse = await fetch(`${SANDBOX_URL}/oauth2/v1/token`, {
		method: 'POST',
		headers: {
			authorization: `Basic ${Buffer.from(`${data.clientId}:${data.clientSecret}`).toString('base64')}`,
			'content-type': 'application/x-www-form-urlencoded',
		},
		body: new URLSearchParams({ grant_type: 'client_credentials', scope: data.scope }),
	});
	const token = (await tokenResponse.json()).access_token;
	for (const node of triggers) {
		const {
			feed: feedId = 'appointments',
			events = [],
			departmentIds = [],
		} = node.parameters ?? {};
		const values = [feedId, ...events, ...departmentIds].map(String);
		if (values.some((value) => value.startsWith('='))) continue; // expressions: the trigger subscribes itself
		const feed = getFeed(feedId);
		for (const eventName of events.length ? events : [undefined]) {
			const body = new URLSearchParams();
			if (eventName) body.set('eventname', eventName);
			if (departmentIds.length) body.set('departmentids', departmentIds.join(','));
			const response = await fetch(
				`${SANDBOX_URL}/v1/${data.practiceId}/${subscriptionPath(feed)}`,
				{
					method: 'POST',
					headers: {
						authorization: `Bearer ${token}`,
						'content-type': 'application/x-www-form-urlencoded',
					},
					body,
				},
			);
			if (!response.ok)
				log(`WARNING: could not subscribe ${feed.id} for "${node.name}": ${response.status}`);
		}
		log(
			`sandbox: subscribed ${feed.id}${events.length ? ` (${events.join(', ')})` : ''} for the active trigger "${node.name}"`,
		);
	}
}

async function main() {
	const skipBuild = process.argv.includes('--skip-build');
	const queueMode = process.argv.includes('--queue');
	const stops = []; // stopped in reverse order on exit
	let stopping = false;
	const shutdown = async (code) => {
		if (stopping) return;
		stopping = true;
		log('stopping ...');
		for (const stop of stops.reverse()) await stop().catch((err) => console.error(err));
		process.exit(code);
	};
	process.on('SIGINT', () => shutdown(0));
	process.on('SIGTERM', () => shutdown(0));

	try {
		ensureInstalled({ log });

		if (!skipBuild) {
			log('npm run build');
			const build = spawnSync('npm', ['run', 'build'], { cwd: REPO_ROOT, stdio: 'inherit' });
			if (build.status !== 0) throw new Error(`npm run build failed (exit ${build.status})`);
		}
		if (!queueMode) installPackedPackage({ userFolder: USER_FOLDER, log });

		if (await portInUse(N8N_PORT))
			throw new Error(`port ${N8N_PORT} is busy: is another n8n (npm run dev) running?`);

		const sandbox = await startSandbox();
		stops.push(() => sandbox.stop());
		sandbox.exited.then((exit) => {
			if (!stopping) {
				console.error(`[dev] the sandbox exited (${JSON.stringify(exit)}); stopping`);
				void shutdown(1);
			}
		});

		let n8n;
		if (queueMode) {
			const { startQueue } = require('./queue');
			log(
				`starting n8n in queue mode (main on http://127.0.0.1:${N8N_PORT}, two workers, PostgreSQL, Redis)`,
			);
			const queue = await startQueue({ port: N8N_PORT, log, echo: true });
			stops.push(() => queue.stop());
			n8n = queue.main;
		} else {
			log(
				`starting n8n on http://127.0.0.1:${N8N_PORT} (user folder ${path.relative(REPO_ROOT, USER_FOLDER)})`,
			);
			n8n = await startN8n({
				userFolder: USER_FOLDER,
				port: N8N_PORT,
				brokerPort: await freePort(),
				echo: true,
				// No N8N_DEV_RELOAD: in 2.41 it neither watched nor reloaded a package installed under
				// .n8n/nodes (tried); after a code change, restart this script (about 10 s).
			});
			stops.push(() => n8n.stop());
		}
		log(`n8n answered in ${(n8n.startMs / 1000).toFixed(1)} s`);

		const owner = await setupOwner(n8n.url, OWNER);
		const api = publicApi(n8n.url, owner.apiKey);
		const credential = await ensureCredential(api, sandbox.credential);
		log(
			`credential "${CREDENTIAL_NAME}" (${CREDENTIAL_TYPE}, id ${credential.id}) -> ${SANDBOX_URL}`,
		);
		await importWorkflows(api, credential);
		await restoreSubscriptions(api, sandbox.credential).catch((err) =>
			log(`WARNING: could not restore the sandbox subscriptions: ${err.message}`),
		);

		const watchExit = setInterval(() => {
			if (n8n.exited() && !stopping) {
				clearInterval(watchExit);
				console.error(`[dev] n8n exited (${JSON.stringify(n8n.exited())}); stopping`);
				void shutdown(1);
			}
		}, 1000);
		stops.unshift(async () => clearInterval(watchExit));

		console.log(
			[
				'',
				`  n8n       ${n8n.url}`,
				`  login     ${OWNER.email} / ${OWNER.password}`,
				`  sandbox   ${SANDBOX_URL}`,
				`  API key   ${owner.apiKey}`,
				'  Ctrl-C stops n8n and the sandbox.',
				'',
			].join('\n'),
		);
	} catch (err) {
		console.error(`[dev] FAILED: ${err.message}`);
		await shutdown(1);
	}
}

module.exports = { importWorkflows, CREDENTIAL_TYPE, CREDENTIAL_NAME, WORKFLOWS_DIR };

if (require.main === module) void main();
