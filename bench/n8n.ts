/**
 * `npm run bench:n8n [-- --records N]`: a backlog from athena (the sandbox, 100 ms per /changed call)
 * into executions of a real n8n (the pinned one, default run mode), ours against the workflow a user
 * builds by hand today, in one run. See bench/README.md.
 */
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';

import { rssOf } from '../scripts/n8n/n8n-process';
import {
	getFeed,
	subscriptionPath,
	type FeedDefinition,
} from '../nodes/Athenahealth/feeds/catalog';
import { startE2eN8n, type E2eN8n } from '../test/e2e/realN8n';
import {
	CREDENTIAL_TYPE,
	executionsOf,
	nodeOutput,
	type ExecutionSummary,
} from '../test/e2e/workflows';
import {
	DEFAULT_CLIENTS,
	PRACTICE_ID,
	sandboxCredentialData,
	type ApiClient,
} from '../test/sandbox/seed';
import { classifyChanged, requestTotal, requestsSince } from './calls';
import { sleep } from './measure';
import { handBuiltWorkflow, oursWorkflow, SPLIT_NAME, TRIGGER_NAME } from './n8nWorkflows';
import { startSandboxProcess, type SandboxProcess } from './sandboxProcess';

const { values: args } = parseArgs({
	options: {
		records: { type: 'string', default: '100000' },
		departments: { type: 'string', default: '400' },
		'latency-ms': { type: 'string', default: '100' },
		/**
		 * Ours: seconds between ticks (custom cron pollTimes; must divide 60). At 60 every option keeps its
		 * default (one drain a minute, athena's pacing); below 60, Minimum Seconds Between Drains is 0.
		 */
		'poll-every': { type: 'string', default: '60' },
		/**
		 * Hand-built: the Schedule Trigger's seconds interval, one run each (comma list). 1 is n8n's
		 * shortest; 60 is athena's one read a minute, where one pass never overlaps the next.
		 */
		'hand-built-every': { type: 'string', default: '1,60' },
		/** Ours: Max Records per Poll, one run each (comma list; `default` is the trigger's own, 10,000). */
		'ours-max-records': { type: 'string', default: 'default,100000' },
		/** Give up on a scenario after this long (default: scaled to the backlog). */
		'timeout-sec': { type: 'string' },
	},
});
const RECORDS = Number(args.records);
const DEPARTMENTS = Number(args.departments);
const LATENCY_MS = Number(args['latency-ms']);
const POLL_EVERY_SEC = Number(args['poll-every']);
const HAND_BUILT_EVERY_SEC = args['hand-built-every'].split(',').filter(Boolean).map(Number);
const OURS_MAX_RECORDS = args['ours-max-records']
	.split(',')
	.map((value) => (value === 'default' ? undefined : Number(value)));
const TIMEOUT_MS = Number(args['timeout-sec'] ?? Math.max(300, RECORDS / 100)) * 1000;
const BATCH = 20;
const RSS_EVERY_MS = 100;
/** Done once the queue is empty and no execution runs, this many checks (1 s apart) in a row. */
const QUIET_CHECKS = 3;
const [OURS_CLIENT, HAND_CLIENT] = DEFAULT_CLIENTS;

export interface ScenarioResult {
	name: string;
	/** Time from the start of the backlog's injection until the last execution holding records stopped. */
	doneMs: number;
	records: number;
	lost: number;
	repeated: number;
	left: number;
	/** /changed calls answered until done (refused ones too), and how many were refused (409: a read overlapped). */
	athenaCalls: number;
	changed: ReturnType<typeof classifyChanged>;
	refused: number;
	otherCalls: number;
	/** Executions with records, all executions started until done, failed ones. */
	executions: number;
	executionsStarted: number;
	executionsFailed: number;
	largestExecution: number;
	rssBaseline: number;
	rssPeak: number;
	rssGrowth: number;
	n8nStartMs: number;
	violations: Record<string, number>;
	firstError?: string;
}

/** Waits until the local clock is `phaseMs` into a period of `periodMs` (cron ticks fall on multiples of it). */
async function untilPhase(periodMs: number, phaseMs: number): Promise<void> {
	const wait = (phaseMs - (Date.now() % periodMs) + periodMs) % periodMs;
	await sleep(wait);
}

async function queued(
	sandbox: SandboxProcess,
	client: ApiClient,
	feed: FeedDefinition,
): Promise<number> {
	return (
		(await sandbox.queues()).find(
			(queue) => queue.clientId === client.clientId && queue.feed === feed.id,
		)?.queued ?? 0
	);
}

/** The hand-built workflow's client subscribes to the whole practice (as the user would, once). */
async function subscribeByHand(
	sandbox: SandboxProcess,
	client: ApiClient,
	feed: FeedDefinition,
): Promise<void> {
	const token = await fetch(`${sandbox.url}/oauth2/v1/token`, {
		method: 'POST',
		headers: {
			Authorization: `Basic ${Buffer.from(`${client.clientId}:${client.secret}`).toString('base64')}`,
			'Content-Type': 'application/x-www-form-urlencoded',
		},
		body: 'grant_type=client_credentials&scope=athena/service/Athenanet.MDP.*',
	});
	const { access_token } = (await token.json()) as { access_token: string };
	const answer = await fetch(`${sandbox.url}/v1/${PRACTICE_ID}/${subscriptionPath(feed)}`, {
		method: 'POST',
		headers: {
			Authorization: `Bearer ${access_token}`,
			'Content-Type': 'application/x-www-form-urlencoded',
		},
		body: '',
	});
	if (!answer.ok) throw new Error(`subscribing the hand-built client: ${answer.status}`);
}

/**
 * Until the trigger drains on its ticks: it first marks its crash-recovery window (a peek) and has
 * n8n save it; with Minimum Seconds Between Drains 0 every tick after that reads every batch, so
 * the first destructive read of the (empty) queue says it is ready.
 */
async function untilTriggerReady(sandbox: SandboxProcess): Promise<void> {
	const since = Date.now();
	const deadline = since + 300_000;
	for (;;) {
		const { requests } = await sandbox.stats();
		const drained = requests.some(
			(entry) =>
				entry.at >= since &&
				entry.route === 'changed' &&
				entry.clientId === OURS_CLIENT.clientId &&
				classifyChanged([entry]).drain === 1,
		);
		if (drained) return;
		if (Date.now() > deadline)
			throw new Error('the trigger did not start draining within 5 minutes');
		await sleep(1000);
	}
}

interface Scenario {
	name: string;
	client: ApiClient;
	periodMs: number;
	/** Creates the workflow (active), returns its id and the node whose output holds the records. */
	setup(
		n8n: E2eN8n,
		credential: { id: string; name: string },
	): Promise<{ workflowId: string; recordNode: string }>;
}

async function runScenario(
	sandbox: SandboxProcess,
	feed: FeedDefinition,
	scenario: Scenario,
): Promise<ScenarioResult> {
	const n8n = await startE2eN8n();
	try {
		const created = await n8n.api.createCredential({
			name: `athenahealth ${scenario.name}`,
			type: CREDENTIAL_TYPE,
			data: sandboxCredentialData(sandbox.url, scenario.client),
		});
		const { workflowId, recordNode } = await scenario.setup(n8n, {
			id: String(created.id),
			name: created.name,
		});

		// Inject 1.5 s before one of the workflow's ticks, so neither waits out its own schedule.
		await untilPhase(scenario.periodMs, Math.max(0, scenario.periodMs - 1500));
		const statsBefore = await sandbox.stats();
		const before = requestTotal(statsBefore);
		const rss = { baseline: rssOf(n8n.pid) ?? 0, peak: 0 };
		const sampler = setInterval(
			() => (rss.peak = Math.max(rss.peak, rssOf(n8n.pid) ?? 0)),
			RSS_EVERY_MS,
		);
		const t0 = Date.now();
		const { ids, injected } = await sandbox.inject({
			feed: feed.id,
			count: RECORDS,
			clientId: scenario.client.clientId,
		});
		if (injected !== RECORDS) throw new Error(`injected ${injected} of ${RECORDS}`);

		// Done: the queue is empty and no execution is running, for a few checks in a row.
		let quiet = 0;
		let timedOut = false;
		while (quiet < QUIET_CHECKS) {
			await sleep(1000);
			if (Date.now() - t0 > TIMEOUT_MS) {
				timedOut = true;
				break;
			}
			const newest = await n8n.api.call('GET', `/executions?workflowId=${workflowId}&limit=20`);
			const running = (newest.data as ExecutionSummary[]).some((execution) => !execution.stoppedAt);
			quiet = !running && (await queued(sandbox, scenario.client, feed)) === 0 ? quiet + 1 : 0;
		}
		clearInterval(sampler);
		const endAt = Date.now();
		const statsAfter = await sandbox.stats();
		await n8n.api.deactivate(workflowId);
		const left = await queued(sandbox, scenario.client, feed);

		// Read every execution after the measured window, so reading costs n8n nothing inside it.
		const executions = (await executionsOf(n8n.api, workflowId)).filter(
			(execution) => Date.parse(execution.startedAt) <= endAt,
		);
		const seen: string[] = [];
		let doneAt = t0;
		let failed = 0;
		let withRecords = 0;
		let largest = 0;
		let firstError: string | undefined;
		for (const execution of executions) {
			if (execution.status !== 'success') {
				failed++;
				if (!firstError) {
					const data = await n8n.api.getExecution(execution.id, { includeData: true });
					firstError = String(data.data?.resultData?.error?.message ?? execution.status).slice(
						0,
						200,
					);
				}
				continue;
			}
			const items = await nodeOutput(n8n.api, execution.id, recordNode).catch(() => []);
			if (items.length === 0) continue;
			withRecords++;
			largest = Math.max(largest, items.length);
			for (const item of items) seen.push(String(item[feed.idField]));
			doneAt = Math.max(doneAt, Date.parse(execution.stoppedAt!));
		}
		const unique = new Set(seen);
		const lost = ids.filter((id) => !unique.has(String(id))).length - left;
		const calls = requestsSince(statsAfter, before);
		if (process.env.BENCH_N8N_DEBUG) {
			const changed = calls.filter((entry) => entry.route === 'changed');
			console.error(
				`${scenario.name} /changed at (s after t0): ${changed.map((entry) => `${((entry.at - t0) / 1000).toFixed(2)}:${entry.status}`).join(' ')}`,
			);
		}
		const changedCounter = (stats: typeof statsBefore) =>
			stats.counters.changed ?? { total: 0, byStatus: {} };
		const refused =
			(changedCounter(statsAfter).byStatus['409'] ?? 0) -
			(changedCounter(statsBefore).byStatus['409'] ?? 0);
		const violations: Record<string, number> = {};
		for (const [kind, count] of Object.entries(statsAfter.violations))
			violations[kind] =
				count - (statsBefore.violations[kind as keyof typeof statsBefore.violations] ?? 0);
		return {
			name: scenario.name,
			doneMs: timedOut ? NaN : doneAt - t0,
			records: unique.size,
			lost,
			repeated: seen.length - unique.size,
			left,
			athenaCalls: changedCounter(statsAfter).total - changedCounter(statsBefore).total,
			changed: classifyChanged(calls),
			refused,
			otherCalls: calls.filter((entry) => entry.route !== 'changed').length,
			executions: withRecords,
			executionsStarted: executions.length,
			executionsFailed: failed,
			largestExecution: largest,
			rssBaseline: rss.baseline,
			rssPeak: rss.peak,
			rssGrowth: rss.peak - rss.baseline,
			n8nStartMs: n8n.startMs ?? 0,
			violations,
			firstError,
		};
	} finally {
		await n8n.stop();
	}
}

/** Bytes of the backlog's record JSON as athena serves it (same factory, measured on a queue nobody reads). */
async function jsonBytesOf(
	sandbox: SandboxProcess,
	feed: FeedDefinition,
	client: ApiClient,
): Promise<number> {
	let bytes = 0;
	const chunk = 10_000;
	for (let done = 0; done < RECORDS; done += chunk) {
		const answer = await sandbox.inject({
			feed: feed.id,
			count: Math.min(chunk, RECORDS - done),
			clientId: client.clientId,
			returnRecords: true,
		});
		for (const record of answer.records ?? []) bytes += Buffer.byteLength(JSON.stringify(record));
	}
	return bytes;
}

/** Minimum /changed calls for one drain of the whole backlog: per batch of 20 departments, floor(n/1000)+1. */
function minimumCalls(): number {
	let calls = 0;
	for (let first = 0; first < DEPARTMENTS; first += BATCH) {
		let count = 0;
		for (let department = first; department < Math.min(first + BATCH, DEPARTMENTS); department++) {
			count += Math.floor(RECORDS / DEPARTMENTS) + (department < RECORDS % DEPARTMENTS ? 1 : 0);
		}
		calls += Math.floor(count / 1000) + 1;
	}
	return calls;
}

const round2 = (value: number) => Math.round(value * 100) / 100;
const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;
const sec = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

async function main(): Promise<void> {
	const started = Date.now();
	const feed = getFeed('appointments');
	const sandbox = await startSandboxProcess({
		departments: DEPARTMENTS,
		tokenLifetimeSec: 3600,
		retentionMs: 3_600_000,
	});
	const oursRuns: ScenarioResult[] = [];
	const handBuilt: ScenarioResult[] = [];
	let jsonBytes: number;
	try {
		await sandbox.setFaults({ seed: 6, rules: [{ route: 'changed', latencyMs: LATENCY_MS }] });
		for (const maxRecords of OURS_MAX_RECORDS) {
			oursRuns.push(
				await runScenario(sandbox, feed, {
					name: maxRecords === undefined ? 'ours' : `ours, max ${maxRecords}`,
					client: OURS_CLIENT,
					periodMs: POLL_EVERY_SEC * 1000,
					async setup(n8n, credential) {
						const created = await n8n.api.createWorkflow(
							oursWorkflow(feed, DEPARTMENTS, POLL_EVERY_SEC, credential, maxRecords),
						);
						await n8n.api.activate(created.id);
						await untilTriggerReady(sandbox);
						return { workflowId: String(created.id), recordNode: TRIGGER_NAME };
					},
				}),
			);
		}
		for (const everySec of HAND_BUILT_EVERY_SEC) {
			handBuilt.push(
				await runScenario(sandbox, feed, {
					name: `hand-built every ${everySec} s`,
					client: HAND_CLIENT,
					periodMs: everySec * 1000,
					async setup(n8n, credential) {
						await subscribeByHand(sandbox, HAND_CLIENT, feed);
						const created = await n8n.api.createWorkflow(
							handBuiltWorkflow(feed, sandbox.url, PRACTICE_ID, everySec, credential),
						);
						await n8n.api.activate(created.id);
						return { workflowId: String(created.id), recordNode: SPLIT_NAME };
					},
				}),
			);
		}
		jsonBytes = await jsonBytesOf(sandbox, feed, OURS_CLIENT);
	} finally {
		await sandbox.close();
	}

	const minimum = minimumCalls();
	const latencyBoundMs = (minimum * LATENCY_MS) / 5;
	// Time until every record is in an execution exists only for a hand-built run that lost none.
	const complete = handBuilt.find(
		(run) => run.lost === 0 && run.left === 0 && !Number.isNaN(run.doneMs),
	);
	const speedupOf = (run: ScenarioResult) => (complete ? complete.doneMs / run.doneMs : NaN);
	const defaults = oursRuns[0];
	const speedup = speedupOf(defaults);
	const shortest = handBuilt[0] as ScenarioResult | undefined;
	const line = (run: ScenarioResult) =>
		`  ${run.name.padEnd(24)} ${Number.isNaN(run.doneMs) ? 'timed out' : sec(run.doneMs)}; ${run.records.toLocaleString('en-US')} records, ` +
		`${run.lost} lost, ${run.repeated} repeated, ${run.left} left in athena; ${run.athenaCalls} /changed calls ` +
		`(${run.changed.drain} drain, ${run.changed.replay} replay, ${run.changed.peek} peek; ${run.refused} refused 409), ` +
		`${run.executions} executions with records (largest ${run.largestExecution.toLocaleString('en-US')} items) of ${run.executionsStarted} started, ${run.executionsFailed} failed; ` +
		`n8n main RSS ${mb(run.rssBaseline)} -> peak ${mb(run.rssPeak)} (+${mb(run.rssGrowth)}, ${(run.rssGrowth / jsonBytes).toFixed(2)} x the JSON)` +
		(run.firstError ? `; first failure: ${run.firstError}` : '');
	const env = {
		node: process.version,
		cpus: cpus().length,
		cpuModel: cpus()[0]?.model ?? 'unknown',
		loadavg: loadavg().map((value) => round2(value)),
	};
	console.log(
		[
			`athenahealth backlog into a real n8n: ${env.cpus} x ${env.cpuModel}, load ${env.loadavg.join(' ')}`,
			`backlog: ${RECORDS.toLocaleString('en-US')} ${feed.id} records over ${DEPARTMENTS} departments, ${mb(jsonBytes)} of record JSON; ` +
				`${LATENCY_MS} ms added to every /changed call; each workflow in a fresh n8n (default run mode, sqlite)`,
			`ours: athenahealth Trigger, defaults (Max Records per Poll ${OURS_MAX_RECORDS.map((value) => value ?? '10000 (default)').join(', then ')}), ` +
				(POLL_EVERY_SEC >= 60
					? `a tick every ${POLL_EVERY_SEC} s (one drain a minute, athena's pacing); `
					: `ticks every ${POLL_EVERY_SEC} s with Minimum Seconds Between Drains 0; `) +
				`hand-built: Schedule Trigger (every ${HAND_BUILT_EVERY_SEC.join(' s, every ')} s) + HTTP Request (next-URL pagination) + Split Out`,
			'',
			...oursRuns.map(line),
			...handBuilt.map(line),
			'',
			...oursRuns.map(
				(run) =>
					`  ${run.name} / hand-built: ${complete ? `${speedupOf(run).toFixed(2)} x faster than the ${complete.name} (the first that delivered every record)` : 'no ratio: no hand-built run delivered every record'}; ` +
					`${(run.athenaCalls / minimum).toFixed(2)} x the minimum calls of one drain (${minimum})`,
			),
			`  latency bound of one drain: ${sec(latencyBoundMs)}`,
			`  whole benchmark: ${sec(Date.now() - started)}`,
		].join('\n'),
	);
	const summary = (run: ScenarioResult) => ({
		doneMs: Number.isNaN(run.doneMs) ? null : Math.round(run.doneMs),
		records: run.records,
		lost: run.lost,
		repeated: run.repeated,
		left: run.left,
		athenaCalls: run.athenaCalls,
		refused: run.refused,
		executions: run.executions,
		executionsStarted: run.executionsStarted,
		executionsFailed: run.executionsFailed,
		largestExecution: run.largestExecution,
		rssPeakBytes: run.rssPeak,
		rssGrowthBytes: run.rssGrowth,
		rssGrowthOverJson: round2(run.rssGrowth / jsonBytes),
		violations: run.violations,
	});
	const json = {
		records: defaults.records,
		lost: defaults.lost,
		repeated: defaults.repeated,
		oursMs: Number.isNaN(defaults.doneMs) ? null : Math.round(defaults.doneMs),
		handBuiltMs: complete ? Math.round(complete.doneMs) : null,
		handBuiltEverySec: complete ? HAND_BUILT_EVERY_SEC[handBuilt.indexOf(complete)] : null,
		handBuiltShortestLost: shortest?.lost ?? null,
		speedupVsHandBuilt: Number.isNaN(speedup) ? null : round2(speedup),
		athenaCalls: defaults.athenaCalls,
		callsOverMinimum: round2(defaults.athenaCalls / minimum),
		executions: defaults.executions,
		rssGrowthOverJson: round2(defaults.rssGrowth / jsonBytes),
		goalsMet: {
			allRecords: defaults.records === RECORDS && defaults.lost === 0 && defaults.repeated === 0,
			speedupVsHandBuilt: speedup >= 4,
			rssGrowthOverJson: defaults.rssGrowth / jsonBytes <= 3,
		},
		raw: {
			injected: RECORDS,
			departments: DEPARTMENTS,
			latencyMs: LATENCY_MS,
			pollEverySec: POLL_EVERY_SEC,
			oursMaxRecordsPerPoll: OURS_MAX_RECORDS.map((value) => value ?? 'default'),
			handBuiltEverySec: HAND_BUILT_EVERY_SEC,
			jsonBytes,
			minimumCalls: minimum,
			ours: oursRuns.map((run, index) => ({
				maxRecordsPerPoll: OURS_MAX_RECORDS[index] ?? 'default',
				...summary(run),
				speedupVsHandBuilt: complete ? round2(speedupOf(run)) : null,
			})),
			handBuilt: handBuilt.map((run, index) => ({
				everySec: HAND_BUILT_EVERY_SEC[index],
				...summary(run),
			})),
			totalSec: round2((Date.now() - started) / 1000),
		},
		environment: env,
	};
	console.log(JSON.stringify(json));
}

main().then(
	() => process.stdout.write('', () => process.exit(0)),
	(error: unknown) => {
		console.error(error);
		process.exit(1);
	},
);
