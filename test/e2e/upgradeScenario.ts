// An update as users live it, the scenario both upgrade suites run (upgrade.e2e.test.ts in one n8n,
// upgrade-queue.e2e.test.ts in queue mode): the previous version of the package (built from
// UPGRADE_FROM_COMMIT or the newest release tag) runs in a real n8n with the workflows a user has,
// its trigger halfway through a backlog; n8n stops, the working tree's package replaces the old one
// in the same layout in every user folder (what Settings > Community Nodes > Update does, then n8n
// restarts), n8n starts. Then every workflow loads and runs as before, the trigger resumes from its
// old saved state and delivers the rest exactly once, and the credential still works. One boot per
// phase.
import { spawnSync } from 'node:child_process';
import {
	existsSync,
	mkdirSync,
	mkdtempSync,
	readdirSync,
	readFileSync,
	rmSync,
	writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { STATE_VERSION } from '../../nodes/Athenahealth/trigger/state';
import type { PublicApi } from '../../scripts/n8n/n8n-process';
import { installPackedPackage, packPackage } from '../../scripts/n8n/pack';
import { VALID } from '../harness/parameters';
import { FEED, feedTriggerNode, ID_FIELD, TRIGGER_NAME } from './feedRun';
import { REPO_ROOT, waitFor } from './realN8n';
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
	PACKAGE,
	webhookNode,
	type CredentialRef,
} from './workflows';

/** Where the scenario runs: one n8n, or a queue-mode main with its workers. */
export interface UpgradeTarget {
	/** The editor's URL (webhooks, the API): the main's in queue mode. */
	readonly url: string;
	/** The public API, with a key from the current run (restart() logs in again). */
	readonly api: PublicApi;
	/** Every user folder the package is installed in (one per n8n process), the main's first. */
	userFolders(): string[];
	/** Output of the process that runs the polls (the one n8n, or the main). */
	pollerLogs(): string;
	/** Output of every n8n process. */
	allLogs(): string;
	/** Node types the editor would list. */
	nodeTypes(): Promise<Array<{ name: string }>>;
	/** A workflow's static data as n8n's database holds it; read while n8n is stopped. */
	staticDataInDb(workflowId: string): Record<string, any>;
	/** Stops every n8n process (SIGTERM), runs whileStopped, starts them again. */
	restart(whileStopped: () => Promise<void>): Promise<void>;
	/** Queue mode: the workers' names, and the one whose log says it ran an execution. */
	workers?: { names: string[]; of(executionId: string): string | undefined };
	stop(): Promise<void>;
}

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
		.map(({ id, name, type, typeVersion, parameters, credentials }: any) => ({
			id,
			name,
			type,
			typeVersion,
			parameters,
			credentials,
		}))
		.sort((a, b) => a.name.localeCompare(b.name));
	return { name: workflow.name, active: workflow.active, nodes, connections: workflow.connections };
}

function parseStaticData(value: unknown): Record<string, any> {
	return typeof value === 'string' ? JSON.parse(value) : ((value as Record<string, any>) ?? {});
}

/** The upgrade suite, in whatever deployment `start` brings up with the old package installed. */
export function describeUpgrade(
	title: string,
	start: (oldTarball: string) => Promise<UpgradeTarget>,
): void {
	describe(title, () => {
		let old: OldPackage;
		let n8n: UpgradeTarget;
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
			[n8n, sandbox] = await Promise.all([start(old.tarball), startSandbox({ departments: 10 })]);
			phase('n8n with the old package started');
		}, 300_000);

		afterAll(async () => {
			await Promise.all([n8n?.stop(), sandbox?.close()]);
			const lines = phases.map(
				([name, ms]) => `  ${(ms / 1000).toFixed(1).padStart(6)} s  ${name}`,
			);
			process.stderr.write(
				`[upgrade] ${title}, phases:\n${lines.join('\n')}\n  ${((Date.now() - t0) / 1000).toFixed(1).padStart(6)} s  total\n`,
			);
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
						throw new Error(
							`trigger execution ${execution.id} ended ${execution.status}: ${await executionError(n8n.api, execution.id)}`,
						);
					}
					seen.set(
						execution.id,
						(await nodeOutput(n8n.api, execution.id, TRIGGER_NAME)).map((item) =>
							String(item[ID_FIELD]),
						),
					);
				}
				result.push({ id: execution.id, ids: seen.get(execution.id)! });
			}
			return result;
		}

		async function delivered(): Promise<string[]> {
			return (await triggerExecutions()).flatMap((execution) => execution.ids);
		}

		async function queue() {
			return (await sandbox.queues()).find(
				(q) => q.feed === FEED && q.clientId === SANDBOX_CLIENT.clientId,
			);
		}

		async function runCases(subject: string) {
			const { status, json, text } = await callWebhook(n8n.url, CASES_PATH, { subject });
			// In queue mode, a failure names the worker that ran it (one left on the old version fails here).
			const last =
				status !== 200 && n8n.workers ? (await executionsOf(n8n.api, casesId)).at(-1) : undefined;
			const ranOn = last && { execution: last.id, worker: n8n.workers!.of(last.id) ?? 'unknown' };
			expect({ status, text, ...ranOn }).toEqual({ status: 200, text: expect.any(String) });
			return json as Record<string, unknown>;
		}

		it('the old version runs the workflows a user has, its trigger part-way through a backlog', async () => {
			const created = await n8n.api.createCredential({
				name: 'athenahealth',
				type: CREDENTIAL_TYPE,
				data: sandbox.credentialData(),
			});
			credential = { id: String(created.id), name: created.name };

			// Saved as the old version's editor would save them (typeVersion 1, its parameter values).
			casesId = await createActive(
				n8n.api,
				chain('Call-back cases', [
					webhookNode(CASES_PATH),
					athenaNode(
						'Create Patient Case',
						{
							...VALID.create,
							documentSubclass: 'PATIENTCALL',
							additionalFields: {
								subject: '={{ $json.body.subject }}',
								callbackNumberType: 'HOME',
								priority: '1',
							},
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
				feedTriggerNode(
					DEPARTMENTS,
					{ minIntervalSeconds: 0, maxRecordsPerPoll: PER_POLL },
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
			await waitFor(async () => (await queue())?.status === 'ACTIVE', {
				timeoutMs: 30_000,
				what: 'the subscription',
			});
			await inject(DEPARTMENTS, BACKLOG);
			const recordState = async () => {
				const state = parseStaticData((await n8n.api.getWorkflow(triggerId)).staticData)[NODE_KEY];
				if (state && !oldStates.some((s) => JSON.stringify(s) === JSON.stringify(state)))
					oldStates.push(state);
			};
			await waitFor(
				async () => {
					await recordState();
					return (await delivered()).length > 0;
				},
				{
					timeoutMs: 90_000,
					intervalMs: 300,
					what: 'the old trigger to deliver its first records',
				},
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
			for (const id of [triggerId, casesId, httpId])
				before.workflows.set(id, saved(await n8n.api.getWorkflow(id)));
			for (const [file, id] of [
				['workflow-cases.json', casesId],
				['workflow-trigger.json', triggerId],
			]) {
				const { name, nodes, connections, settings } = await n8n.api.getWorkflow(id);
				writeFileSync(
					join(observedDir, file),
					`${JSON.stringify({ name, nodes, connections, settings }, null, '\t')}\n`,
				);
			}

			const installed: Array<{ version: string; dir: string }> = [];
			await n8n.restart(async () => {
				phase('n8n stopped (SIGTERM)');
				// The state the old version left in n8n's database: what the new one will read.
				const nodeStaticData = n8n.staticDataInDb(triggerId)[NODE_KEY];
				before.state = nodeStaticData?.[STATE_KEY];
				oldStates.push(nodeStaticData);
				before.requestsLogged = (await sandbox.stats()).requests.length;
				before.waiting = (await queue())?.queued ?? 0;
				writeFileSync(
					join(observedDir, 'trigger-states.json'),
					`${JSON.stringify(oldStates, null, '\t')}\n`,
				);
				// Records wait in athena: the rest of the backlog, and more while n8n is down.
				await inject(DEPARTMENTS.slice(0, 3), DURING_UPDATE);
				// The same new version in every process's user folder (in queue mode n8n has each
				// worker install what the main installed).
				const packDir = mkdtempSync(join(tmpdir(), 'athena-upgrade-new-'));
				try {
					const { file } = packPackage(REPO_ROOT, packDir);
					for (const userFolder of n8n.userFolders())
						installed.push(installPackedPackage({ userFolder, tarball: file, log: () => {} }));
				} finally {
					rmSync(packDir, { recursive: true, force: true });
				}
				phase(
					`new package laid out over the old (${installed.length} user folder${installed.length > 1 ? 's' : ''})`,
				);
			});
			phase('n8n with the new package started');
			expect(before.waiting).toBeGreaterThan(0);
			// The new layout replaced the old one whole: exactly the files the new package.json names.
			const manifest = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8'));
			const oldManifest = JSON.parse(
				spawnSync('tar', ['-xzf', old.tarball, '-O', 'package/package.json'], { encoding: 'utf8' })
					.stdout,
			);
			expect(installed.map((entry) => entry.dir)).toEqual(
				n8n.userFolders().map((folder) => join(folder, '.n8n', 'nodes', 'node_modules', PACKAGE)),
			);
			for (const { dir, version } of installed) {
				expect(version).toBe(manifest.version);
				for (const file of manifest.n8n.nodes) expect(existsSync(join(dir, file))).toBe(true);
				for (const file of oldManifest.n8n.nodes.filter(
					(f: string) => !manifest.n8n.nodes.includes(f),
				)) {
					expect(existsSync(join(dir, file))).toBe(false);
				}
			}
			expect(before.state).toEqual(expect.objectContaining({ v: expect.any(Number), feed: FEED }));
			// Each shape an earlier version saves has a real fixture for the unit tests of its migration.
			const fixtures = readdirSync(join(REPO_ROOT, 'test', 'fixtures', 'trigger-state'));
			expect({
				v: before.state.v,
				fixtures: fixtures.filter((file) => file.startsWith(`v${before.state.v}-`)).length > 0,
			}).toEqual({
				v: before.state.v,
				fixtures: true, // if not: copy one from .cache/upgrade/<commit>/observed/trigger-states.json
			});
			const types = (await n8n.nodeTypes()).map((type) => type.name);
			expect(types).toEqual(
				expect.arrayContaining([`${PACKAGE}.athenahealth`, `${PACKAGE}.athenahealthTrigger`]),
			);
			expect(n8n.allLogs()).not.toMatch(
				/Failed to load package|Error loading package|Unrecognized node type/i,
			);
		}, 240_000);

		it('every workflow is still there as it was saved, and active', async () => {
			for (const [id, was] of before.workflows)
				expect(saved(await n8n.api.getWorkflow(id))).toEqual(was);
		});

		it('the trigger resumes from its old saved state and delivers the rest: none lost, none repeated', async () => {
			await waitFor(
				async () => ((await delivered()).length >= injected.length ? true : undefined),
				{
					timeoutMs: 120_000,
					intervalMs: 1000,
					what: `all ${injected.length} records`,
				},
			);
			// A few more polls: nothing arrives twice.
			await new Promise((resolve) => setTimeout(resolve, 11_000));
			const all = await delivered();
			const repeated = all.filter((id, i) => all.indexOf(id) !== i);
			expect({ repeated: repeated.slice(0, 10), count: all.length }).toEqual({
				repeated: [],
				count: injected.length,
			});
			expect(new Set(all)).toEqual(new Set(injected));
			expect(await queue()).toEqual(
				expect.objectContaining({ queued: 0, processed: injected.length }),
			);
			phase('new version: the rest of the backlog delivered');

			// The old state was read: migrated (logged), carried over as is, or reset on purpose (logged).
			const logs = n8n.pollerLogs();
			const reset = /athenahealth Trigger: .*starting afresh/.exec(logs);
			const migrated = /athenahealth Trigger: migrated its saved state from v(\d+)/.exec(logs);
			if (before.state.v !== STATE_VERSION) {
				expect({
					from: before.state.v,
					logged: migrated?.[1] ?? (reset ? 'reset' : 'nothing'),
				}).toEqual({
					from: before.state.v,
					logged: expect.stringMatching(new RegExp(`^(${before.state.v}|reset)$`)),
				});
			}
			if (!reset && before.state.windowStart !== undefined) {
				// Its recovery window was used: the first read after the update replays the window
				// (athena's processed records since then), instead of marking a new one.
				const reads = (await sandbox.stats()).requests
					.slice(before.requestsLogged)
					.filter((r) => r.route === 'changed');
				expect(reads[0]?.path).toMatch(/showprocessedstartdatetime/);
			}
			const after = parseStaticData((await n8n.api.getWorkflow(triggerId)).staticData)[NODE_KEY]?.[
				STATE_KEY
			];
			expect(after).toEqual(expect.objectContaining({ v: STATE_VERSION, feed: FEED }));

			// Nothing a workflow reads from an item went missing.
			const executions = await triggerExecutions();
			const items = await nodeOutput(n8n.api, executions.at(-1)!.id, TRIGGER_NAME);
			expect(Object.keys(items[0])).toEqual(expect.arrayContaining(before.triggerItemKeys));

			if (n8n.workers) {
				// Queue mode: the main polled, the workers ran every execution, before and after the update.
				const ranOn = executions.map(
					(execution) => `${execution.id}:${n8n.workers!.of(execution.id) ?? 'no worker'}`,
				);
				process.stderr.write(`[upgrade] trigger executions by worker: ${ranOn.join(' ')}\n`);
				expect(ranOn.filter((entry) => entry.endsWith(':no worker'))).toEqual([]);
				expect(n8n.pollerLogs()).not.toMatch(/Worker started execution/);
			}
		});

		it('the webhook workflow saved by the old version now creates, updates and lists cases (on every worker in queue mode)', async () => {
			const cases = await runCases('Refill request, after the update');
			expect(cases).toEqual(expect.objectContaining({ patientcaseid: expect.anything() }));
			let executions = await executionsOf(n8n.api, casesId);
			if (n8n.workers) {
				// What the old version's node refused, each worker's now does: every worker loads the new
				// package. Workers take jobs in turn; a few more runs reach each of them.
				const ran = new Map<string, string>();
				for (let run = 0; ; run++) {
					for (const execution of executions.slice(1)) {
						const worker = await waitFor(() => n8n.workers!.of(execution.id), {
							timeoutMs: 10_000,
							what: `the worker of execution ${execution.id}`,
						});
						ran.set(execution.id, worker);
					}
					if (new Set(ran.values()).size === n8n.workers.names.length || run === 8) break;
					await runCases(`Refill request, after the update (${run + 2})`);
					executions = await executionsOf(n8n.api, casesId);
				}
				phase(
					`webhook Create + Update after the update ran on ${[...ran].map(([id, worker]) => `${worker} (execution ${id})`).join(', ')}`,
				);
				expect([...new Set(ran.values())].sort()).toEqual([...n8n.workers.names].sort());
			}
			expect(executions.map((e) => e.status)).toEqual([
				'error',
				...executions.slice(1).map(() => 'success'),
			]);
			const created = await nodeOutput(n8n.api, executions[1].id, 'Create Patient Case');
			const stored = (await sandbox.cases()).find(
				(c) => c.patientcaseid === Number(created[0].patientcaseid),
			);
			expect(stored).toEqual(
				expect.objectContaining({
					subject: 'Refill request, after the update',
					priority: '2',
					callbackname: 'Sam Rivera',
					callbacknumbertype: 'home',
					status: 'REVIEW',
				}),
			);
		});

		it("the credential still works: in the HTTP Request node and in n8n's credential test", async () => {
			const http = await callWebhook(n8n.url, HTTP_PATH, {});
			expect(http.status).toBe(200);
			expect(http.json).toEqual(before.http);
			expect(await n8n.api.testCredential(credential.id)).toEqual(
				expect.objectContaining({ status: 'OK' }),
			);
			phase('new version: workflows and credential checked');
		});

		it('logged no package load errors and no failed polls', () => {
			expect(n8n.allLogs()).not.toMatch(/Failed to load package|Error loading package/i);
			expect(n8n.allLogs()).not.toMatch(/athenahealth Trigger.*(error|failed)/i);
		});
	});
}
