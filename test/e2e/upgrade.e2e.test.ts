// An update as users live it: the previous version of the package (built from UPGRADE_FROM_COMMIT
// or the newest release tag) runs in a real n8n with the workflows a user has, its trigger halfway
// through a backlog; n8n stops, the working tree's package replaces the old one in the same layout
// (what Settings > Community Nodes > Update does, then n8n restarts), n8n starts. Then every
// workflow loads and runs as before, the trigger resumes from its old saved state and delivers the
// rest exactly once, and the credential still works. One n8n boot per phase.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { STATE_VERSION } from '../../nodes/Athenahealth/trigger/state';
import { paths } from '../../scripts/n8n/install';
import { installPackedPackage } from '../../scripts/n8n/pack';
import { fastPollTimes, REPO_ROOT, startE2eN8n, waitFor, type E2eN8n } from './realN8n';
import { PRACTICE_ID, SANDBOX_CLIENT, startSandbox, type SandboxProcess } from './sandbox';
import { oldPackage, type OldPackage } from './upgrade-build';
import {
	athenaNode,
	callWebhook,
	chain,
	createActive,
	CREDENTIAL_TYPE,
	executionError,
	executionsOf,
	httpRequestNode,
	nodeOutput,
	noOpNode,
	triggerNode,
	webhookNode,
	type CredentialRef,
} from './workflows';

const FEED = 'appointments';
const ID_FIELD = 'appointmentid';
const TRIGGER_NAME = 'athenahealth Trigger';
/** Where n8n keeps the trigger node's static data, and the trigger its saved state inside it. */
const NODE_KEY = `node:${TRIGGER_NAME}`;
const STATE_KEY = 'drain';
const DEPARTMENTS = ['1', '2', '3', '4', '5', '6'];
/** Each poll reads at most this many: the backlog takes several polls, so the update lands mid-way. */
const PER_POLL = 400;
const BACKLOG = 1200;
/** Queued while n8n is down for the update. */
const DURING_UPDATE = 300;
const CASES_PATH = 'upgrade-cases';
const HTTP_PATH = 'upgrade-http';

/** What the old version saved and ran, kept for the comparisons after the update. */
interface Before {
	workflows: Map<string, unknown>;
	http: Record<string, unknown>;
	triggerItemKeys: string[];
	state: Record<string, any>;
	requestsLogged: number;
	/** Records queued in athena when n8n stopped for the update. */
	waiting: number;
}

/** Workflow fields an update must leave as they were. */
function saved(workflow: any) {
	const nodes = [...workflow.nodes]
		.map(({ id, name, type, typeVersion, parameters, credentials }: any) => ({ id, name, type, typeVersion, parameters, credentials }))
		.sort((a, b) => a.name.localeCompare(b.name));
	return { name: workflow.name, active: workflow.active, nodes, connections: workflow.connections };
}

/**
 * The static data n8n has in its database for a workflow, read while n8n is stopped: exactly what
 * the new version loads. n8n's sqlite3 is built for its Node 24, so the read runs there.
 */
function staticDataInDb(userFolder: string, workflowId: string): Record<string, any> {
	const p = paths();
	const script = `
		const sqlite3 = require('sqlite3');
		const db = new sqlite3.Database(process.argv[1], sqlite3.OPEN_READONLY);
		db.get('SELECT "staticData" FROM workflow_entity WHERE id = ?', [process.argv[2]], (err, row) => {
			if (err) { console.error(err.message); process.exit(1); }
			process.stdout.write(row && row.staticData ? row.staticData : 'null');
			db.close();
		});`;
	const res = spawnSync(p.nodeBin, ['-e', script, join(userFolder, '.n8n', 'database.sqlite'), workflowId], {
		cwd: p.n8nDir,
		encoding: 'utf8',
	});
	if (res.status !== 0) throw new Error(`reading static data from n8n's database failed: ${res.stderr}`);
	return JSON.parse(res.stdout) ?? {};
}

function parseStaticData(value: unknown): Record<string, any> {
	return typeof value === 'string' ? JSON.parse(value) : ((value as Record<string, any>) ?? {});
}

describe('updating the package under active workflows', () => {
	let old: OldPackage;
	let n8n: E2eN8n;
	let sandbox: SandboxProcess;
	let credential: CredentialRef;
	let triggerId: string;
	let casesId: string;
	let httpId: string;
	const before = {} as Before;
	const injected: string[] = [];
	/** Record ids per finished trigger execution, read once each. */
	const seen = new Map<string, string[]>();
	/** The trigger node's static data as the old version's polls saved it (fixtures come from these). */
	const oldStates: Array<Record<string, unknown>> = [];
	const phases: Array<[string, number]> = [];
	const t0 = Date.now();
	let phaseStart = Date.now();
	const phase = (name: string) => {
		const now = Date.now();
		phases.push([name, now - phaseStart]);
		phaseStart = now;
	};
	/** Observations of the old version (saved state, stored workflows) for test/fixtures/. */
	let observedDir: string;

	beforeAll(async () => {
		old = oldPackage((message) => process.stderr.write(`${message}\n`));
		phase(`old package ${old.ref} (${old.cached ? 'cached' : 'built'})`);
		observedDir = join(REPO_ROOT, '.cache', 'upgrade', old.commit, 'observed');
		mkdirSync(observedDir, { recursive: true });
		[n8n, sandbox] = await Promise.all([startE2eN8n({ tarball: old.tarball }), startSandbox({ departments: 10 })]);
		phase('n8n with the old package started');
	});

	afterAll(async () => {
		await Promise.all([n8n?.stop(), sandbox?.close()]);
		const lines = phases.map(([name, ms]) => `  ${(ms / 1000).toFixed(1).padStart(6)} s  ${name}`);
		process.stderr.write(`[upgrade] phases:\n${lines.join('\n')}\n  ${((Date.now() - t0) / 1000).toFixed(1).padStart(6)} s  total\n`);
	});

	async function inject(departmentIds: string[], count: number): Promise<void> {
		const { ids, injected: n } = await sandbox.inject({ feed: FEED, count, departmentIds });
		expect(n).toBe(count);
		injected.push(...ids.map(String));
	}

	/** Finished trigger executions so far, each with the record ids it received. */
	async function triggerExecutions(): Promise<Array<{ id: string; ids: string[] }>> {
		const result = [];
		for (const execution of await executionsOf(n8n.api, triggerId)) {
			if (!execution.stoppedAt) continue;
			if (!seen.has(execution.id)) {
				if (execution.status !== 'success') {
					throw new Error(`trigger execution ${execution.id} ended ${execution.status}: ${await executionError(n8n.api, execution.id)}`);
				}
				seen.set(execution.id, (await nodeOutput(n8n.api, execution.id, TRIGGER_NAME)).map((item) => String(item[ID_FIELD])));
			}
			result.push({ id: execution.id, ids: seen.get(execution.id)! });
		}
		return result;
	}

	async function delivered(): Promise<string[]> {
		return (await triggerExecutions()).flatMap((execution) => execution.ids);
	}

	async function queue() {
		return (await sandbox.queues()).find((q) => q.feed === FEED && q.clientId === SANDBOX_CLIENT.clientId);
	}

	async function runCases(subject: string) {
		const { status, json, text } = await callWebhook(n8n.url, CASES_PATH, { subject });
		expect({ status, text }).toEqual({ status: 200, text: expect.any(String) });
		return json as Record<string, unknown>;
	}

	it('the old version runs the workflows a user has, its trigger part-way through a backlog', async () => {
		const created = await n8n.api.createCredential({ name: 'athenahealth', type: CREDENTIAL_TYPE, data: sandbox.credentialData() });
		credential = { id: String(created.id), name: created.name };

		// Saved as the old version's editor would save them (typeVersion 1, its parameter values).
		casesId = await createActive(
			n8n.api,
			chain('Call-back cases', [
				webhookNode(CASES_PATH),
				athenaNode(
					'Create Patient Case',
					{
						resource: 'patientCase',
						operation: 'create',
						patientId: '12',
						departmentId: '3',
						providerId: '4',
						documentSource: 'PATIENT',
						documentSubclass: 'PATIENTCALL',
						additionalFields: { subject: '={{ $json.body.subject }}', callbackNumberType: 'HOME', priority: '1' },
					},
					credential,
				),
				athenaNode(
					'Update Patient Case',
					{
						resource: 'patientCase',
						operation: 'update',
						patientId: '12',
						patientCaseId: '={{ $json.patientcaseid }}',
						updateFields: { priority: '2', callbackName: 'Sam Rivera' },
					},
					credential,
				),
				athenaNode(
					'Open Cases',
					{
						resource: 'patientCase',
						operation: 'getMany',
						patientId: '12',
						departmentId: '3',
						returnAll: false,
						limit: 5,
						filters: { status: 'OPEN' },
					},
					credential,
				),
			]),
		);
		httpId = await createActive(
			n8n.api,
			chain('Patient lookup (HTTP Request)', [
				webhookNode(HTTP_PATH),
				httpRequestNode('Get Patient', `${sandbox.url}/v1/${PRACTICE_ID}/patients/7`, credential),
			]),
		);
		const trigger = chain('New appointments', [
			triggerNode(
				TRIGGER_NAME,
				{
					pollTimes: fastPollTimes(5),
					feed: FEED,
					events: [],
					departmentIds: DEPARTMENTS,
					options: { minIntervalSeconds: 0, maxRecordsPerPoll: PER_POLL },
				},
				credential,
			),
			noOpNode('Received'),
		]);
		triggerId = String((await n8n.api.createWorkflow(trigger)).id);
		await n8n.api.activate(triggerId);

		// athena refuses what the old version sends for these saved values (callbacknumbertype HOME,
		// documentsubclass PATIENTCALL: docs/athena-contract.md#patient-case-values), so under the old
		// version this workflow never created a case; the update must make the same saved workflow work.
		const refused = await callWebhook(n8n.url, CASES_PATH, { subject: 'Refill request' });
		expect(refused.status).toBe(500);
		expect((await sandbox.cases()).filter((c) => c.subject === 'Refill request')).toEqual([]);
		const http = await callWebhook(n8n.url, HTTP_PATH, {});
		expect(http.status).toBe(200);
		before.http = http.json;

		// The trigger subscribed on activation; the backlog queues, and the old version starts on it.
		await waitFor(async () => (await queue())?.status === 'ACTIVE', { timeoutMs: 30_000, what: 'the subscription' });
		await inject(DEPARTMENTS, BACKLOG);
		const recordState = async () => {
			const state = parseStaticData((await n8n.api.getWorkflow(triggerId)).staticData)[NODE_KEY];
			if (state && !oldStates.some((s) => JSON.stringify(s) === JSON.stringify(state))) oldStates.push(state);
		};
		await waitFor(
			async () => {
				await recordState();
				return (await delivered()).length > 0;
			},
			{ timeoutMs: 90_000, intervalMs: 300, what: 'the old trigger to deliver its first records' },
		);
		await recordState();
		const items = await nodeOutput(n8n.api, (await triggerExecutions())[0].id, TRIGGER_NAME);
		before.triggerItemKeys = Object.keys(items[0]).sort();
		phase('old version: workflows created and run, first records delivered');
	});

	it('updates: n8n stops, the new package replaces the old in the same layout, n8n starts', async () => {
		const deliveredBefore = (await delivered()).length;
		expect(deliveredBefore).toBeLessThan(BACKLOG);
		before.workflows = new Map();
		for (const id of [triggerId, casesId, httpId]) before.workflows.set(id, saved(await n8n.api.getWorkflow(id)));
		for (const [file, id] of [['workflow-cases.json', casesId], ['workflow-trigger.json', triggerId]]) {
			const { name, nodes, connections, settings } = await n8n.api.getWorkflow(id);
			writeFileSync(join(observedDir, file), `${JSON.stringify({ name, nodes, connections, settings }, null, '\t')}\n`);
		}

		let installed: { version: string; dir: string } | undefined;
		n8n = await n8n.restart({
			whileStopped: async () => {
				phase('n8n stopped (SIGTERM)');
				// The state the old version left in n8n's database: what the new one will read.
				const nodeStaticData = staticDataInDb(n8n.userFolder, triggerId)[NODE_KEY];
				before.state = nodeStaticData?.[STATE_KEY];
				oldStates.push(nodeStaticData);
				before.requestsLogged = (await sandbox.stats()).requests.length;
				before.waiting = (await queue())?.queued ?? 0;
				writeFileSync(join(observedDir, 'trigger-states.json'), `${JSON.stringify(oldStates, null, '\t')}\n`);
				// Records wait in athena: the rest of the backlog, and more while n8n is down.
				await inject(DEPARTMENTS.slice(0, 3), DURING_UPDATE);
				installed = installPackedPackage({ userFolder: n8n.userFolder, packageDir: REPO_ROOT, log: () => {} });
				phase('new package laid out over the old');
			},
		});
		phase('n8n with the new package started');
		expect(before.waiting).toBeGreaterThan(0);
		// The new layout replaced the old one whole: exactly the files the new package.json names.
		expect(installed?.dir).toBe(join(n8n.userFolder, '.n8n', 'nodes', 'node_modules', n8n.packageName));
		const manifest = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8'));
		const oldManifest = JSON.parse(spawnSync('tar', ['-xzf', old.tarball, '-O', 'package/package.json'], { encoding: 'utf8' }).stdout);
		for (const file of manifest.n8n.nodes) expect(existsSync(join(installed!.dir, file))).toBe(true);
		for (const file of oldManifest.n8n.nodes.filter((f: string) => !manifest.n8n.nodes.includes(f))) {
			expect(existsSync(join(installed!.dir, file))).toBe(false);
		}
		expect(before.state).toEqual(expect.objectContaining({ v: expect.any(Number), feed: FEED }));
		// Each shape an earlier version saves has a real fixture for the unit tests of its migration.
		const fixtures = readdirSync(join(REPO_ROOT, 'test', 'fixtures', 'trigger-state'));
		expect({ v: before.state.v, fixtures: fixtures.filter((file) => file.startsWith(`v${before.state.v}-`)).length > 0 }).toEqual({
			v: before.state.v,
			fixtures: true, // if not: copy one from .cache/upgrade/<commit>/observed/trigger-states.json
		});
		const types = (await n8n.nodeTypes()).map((type) => type.name);
		expect(types).toEqual(expect.arrayContaining([`${n8n.packageName}.athenahealth`, `${n8n.packageName}.athenahealthTrigger`]));
		expect(n8n.logs()).not.toMatch(/Failed to load package|Error loading package|Unrecognized node type/i);
	});

	it('every workflow is still there as it was saved, and active', async () => {
		for (const [id, was] of before.workflows) expect(saved(await n8n.api.getWorkflow(id))).toEqual(was);
	});

	it('the trigger resumes from its old saved state and delivers the rest: none lost, none repeated', async () => {
		await waitFor(async () => ((await delivered()).length >= injected.length ? true : undefined), {
			timeoutMs: 120_000,
			intervalMs: 1000,
			what: `all ${injected.length} records`,
		});
		// A few more polls: nothing arrives twice.
		await new Promise((resolve) => setTimeout(resolve, 11_000));
		const all = await delivered();
		const repeated = all.filter((id, i) => all.indexOf(id) !== i);
		expect({ repeated: repeated.slice(0, 10), count: all.length }).toEqual({ repeated: [], count: injected.length });
		expect(new Set(all)).toEqual(new Set(injected));
		expect(await queue()).toEqual(expect.objectContaining({ queued: 0, processed: injected.length }));
		phase('new version: the rest of the backlog delivered');

		// The old state was read: migrated (logged), carried over as is, or reset on purpose (logged).
		const logs = n8n.logs();
		const reset = /athenahealth Trigger: .*starting afresh/.exec(logs);
		const migrated = /athenahealth Trigger: migrated its saved state from v(\d+)/.exec(logs);
		if (before.state.v !== STATE_VERSION) {
			expect({ from: before.state.v, logged: migrated?.[1] ?? (reset ? 'reset' : 'nothing') }).toEqual({
				from: before.state.v,
				logged: expect.stringMatching(new RegExp(`^(${before.state.v}|reset)$`)),
			});
		}
		if (!reset && before.state.windowStart !== undefined) {
			// Its recovery window was used: the first read after the update replays the window
			// (athena's processed records since then), instead of marking a new one.
			const reads = (await sandbox.stats()).requests.slice(before.requestsLogged).filter((r) => r.route === 'changed');
			expect(reads[0]?.path).toMatch(/showprocessedstartdatetime/);
		}
		const after = parseStaticData((await n8n.api.getWorkflow(triggerId)).staticData)[NODE_KEY]?.[STATE_KEY];
		expect(after).toEqual(expect.objectContaining({ v: STATE_VERSION, feed: FEED }));

		// Nothing a workflow reads from an item went missing.
		const last = (await triggerExecutions()).at(-1)!;
		const items = await nodeOutput(n8n.api, last.id, TRIGGER_NAME);
		expect(Object.keys(items[0])).toEqual(expect.arrayContaining(before.triggerItemKeys));
	});

	it('the webhook workflow saved by the old version now creates, updates and lists cases', async () => {
		const cases = await runCases('Refill request, after the update');
		expect(cases).toEqual(expect.objectContaining({ patientcaseid: expect.anything() }));
		const executions = await executionsOf(n8n.api, casesId);
		expect(executions.map((e) => e.status)).toEqual(['error', 'success']);
		const created = await nodeOutput(n8n.api, executions[1].id, 'Create Patient Case');
		const stored = (await sandbox.cases()).find((c) => c.patientcaseid === Number(created[0].patientcaseid));
		expect(stored).toEqual(
			expect.objectContaining({ subject: 'Refill request, after the update', priority: '2', callbackname: 'Sam Rivera', callbacknumbertype: 'home', status: 'REVIEW' }),
		);
	});

	it('the credential still works: in the HTTP Request node and in n8n\'s credential test', async () => {
		const http = await callWebhook(n8n.url, HTTP_PATH, {});
		expect(http.status).toBe(200);
		expect(http.json).toEqual(before.http);
		expect(await n8n.api.testCredential(credential.id)).toEqual(expect.objectContaining({ status: 'OK' }));
		phase('new version: workflows and credential checked');
	});

	it('logged no package load errors and no failed polls', () => {
		expect(n8n.logs()).not.toMatch(/Failed to load package|Error loading package/i);
		expect(n8n.logs()).not.toMatch(/athenahealth Trigger.*(error|failed)/i);
	});
});
