import './env';

import { cpus, loadavg } from 'node:os';

import { classifyAthenaFailure } from '../nodes/Athenahealth/common/changedFeed';
import { makeTransform } from '../nodes/Athenahealth/common/records';
import { DEFAULT_CONCURRENCY, drain } from '../nodes/Athenahealth/drain';
import { getFeed, type FeedDefinition } from '../nodes/Athenahealth/feeds/catalog';
import { sandboxCredentials } from '../test/harness/credentials';
import { requestHelpers } from '../test/harness/n8n';
import { DEFAULT_CLIENTS, PRACTICE_ID } from '../test/sandbox/seed';
import { classifyChanged, requestTotal, requestsSince, tokenRequests } from './calls';
import { HeapSampler, collect, heapUsed, minimumCalls, sleep, timed } from './measure';
import {
	fetchToken,
	naiveDrain,
	subscribeWholePractice,
	unsubscribe,
	type NaiveResult,
} from './naive';
import { cpuPerRecord, leanHttpFetchPage, syntheticBacklog } from './pure';
import { printReport, type Report } from './report';
import { startSandboxProcess, type SandboxProcess } from './sandboxProcess';
import { TriggerDrain } from './trigger';

const RECORDS = 100_000;
const DEPARTMENTS = 400;
const BATCH = 20;
/** Fixed added latency per /changed call, inside the sandbox's in-flight window (closer to athena than 20 ms). */
const LATENCY_MS = 100;
/** The drain's configured parallelism: the trigger's "Parallel Batches" default. */
const PARALLEL = DEFAULT_CONCURRENCY;
/** Ours-vs-naive pairs; ratios are taken per pair (same minute, same machine load), then the median. */
const ROUNDS = 5;
/** Sensitivity (not headline figures): twice the parallel batches; 20 ms per call, where one core sets the pace. */
const SENSITIVITY = { parallel: 10, latencyMs: 20 };
/** Records lost in the crash-recovery scenario (read by a poll whose result n8n never saved). */
const LOST = 20_000;
const CPU_RUNS = 7;
const LEAN_RUNS = 3;
const TOKEN_LIFETIME_SEC = 3600;
/** The sandbox forgets records this long after they were queued or read (athena: 24 h); no scenario waits half as long. */
const RETENTION_MS = 60_000;

const [OURS_CLIENT, NAIVE_CLIENT] = DEFAULT_CLIENTS;

/** Records per department batch when `records` are spread round-robin over the departments (as inject does). */
function perBatch(records: number): number[] {
	const batches: number[] = [];
	for (let first = 0; first < DEPARTMENTS; first += BATCH) {
		let count = 0;
		for (let department = first; department < Math.min(first + BATCH, DEPARTMENTS); department++) {
			count += Math.floor(records / DEPARTMENTS) + (department < records % DEPARTMENTS ? 1 : 0);
		}
		batches.push(count);
	}
	return batches;
}

/** Enqueues `records` for every subscribed client; with `measure`, returns the bytes of their JSON as athena serves them. */
async function injectBacklog(
	sandbox: SandboxProcess,
	feed: FeedDefinition,
	records: number,
	measure = false,
): Promise<number> {
	let bytes = 0;
	const chunk = 10_000;
	for (let done = 0; done < records; done += chunk) {
		const count = Math.min(chunk, records - done);
		// Chunks of a multiple of 400 keep the round-robin spread even over the departments.
		const answer = await sandbox.inject({ feed: feed.id, count, returnRecords: measure });
		if (answer.injected !== count) throw new Error(`injected ${answer.injected} of ${count}`);
		for (const record of answer.records ?? []) bytes += Buffer.byteLength(JSON.stringify(record));
	}
	return bytes;
}

async function queued(
	sandbox: SandboxProcess,
	clientId: string,
	feed: FeedDefinition,
): Promise<number> {
	return (
		(await sandbox.queues()).find((queue) => queue.clientId === clientId && queue.feed === feed.id)
			?.queued ?? 0
	);
}

export interface OursRun {
	wallMs: number;
	cpuMs: number;
	sandboxCpuMs?: number;
	calls: number;
	items: number;
	left: number;
	peakHeapGrowth: number;
	retainedHeapGrowth: number;
	heapSamples: number;
}

export interface NaiveRun extends NaiveResult {
	cpuMs: number;
	sandboxCpuMs?: number;
	left: number;
}

export interface Round {
	ours: OursRun;
	naive?: NaiveRun;
}

/** One trigger poll that drains the queued backlog: wall, CPU, /changed calls, heap peak over a gc'd baseline. */
async function measureOurs(
	sandbox: SandboxProcess,
	ours: TriggerDrain,
	feed: FeedDefinition,
): Promise<OursRun> {
	// A big drain leaves a guard of about 3 s (a minute apart, polls never meet it): not ours to time.
	await sleep(ours.guardWaitMs());
	const before = requestTotal(await sandbox.stats());
	collect();
	const baseline = heapUsed();
	const sampler = new HeapSampler();
	sampler.start();
	const sandboxCpu = sandbox.cpuMs();
	const run = await timed(() => ours.poll());
	sampler.stop();
	const sandboxCpuMs = diff(sandbox.cpuMs(), sandboxCpu);
	// What n8n would hold on to: the items, until the execution they start is done.
	collect();
	const retainedHeapGrowth = heapUsed() - baseline;
	const items = run.value.length;
	run.value.length = 0;
	ours.workflow.executions.length = 0;
	const calls = classifyChanged(requestsSince(await sandbox.stats(), before));
	return {
		wallMs: run.wallMs,
		cpuMs: run.cpuMs,
		sandboxCpuMs,
		calls: calls.drain + calls.replay + calls.peek,
		items,
		left: await queued(sandbox, OURS_CLIENT.clientId, feed),
		peakHeapGrowth: sampler.peak - baseline,
		retainedHeapGrowth,
		heapSamples: sampler.samples,
	};
}

async function measureNaive(
	sandbox: SandboxProcess,
	drainNaive: () => Promise<NaiveResult>,
	feed: FeedDefinition,
): Promise<NaiveRun> {
	collect();
	const sandboxCpu = sandbox.cpuMs();
	const run = await timed(drainNaive);
	return {
		...run.value,
		cpuMs: run.cpuMs,
		sandboxCpuMs: diff(sandbox.cpuMs(), sandboxCpu),
		left: await queued(sandbox, NAIVE_CLIENT.clientId, feed),
	};
}

async function main(): Promise<void> {
	const started = performance.now();
	const feed = getFeed('appointments');
	const sandbox = await startSandboxProcess({
		departments: DEPARTMENTS,
		tokenLifetimeSec: TOKEN_LIFETIME_SEC,
		retentionMs: RETENTION_MS,
	});
	const report: Partial<Report> = {};
	const latency = (latencyMs: number) =>
		sandbox.setFaults({ seed: 6, rules: [{ route: 'changed', latencyMs }] });
	try {
		const credentials = sandboxCredentials(sandbox.url);
		const ours = new TriggerDrain(credentials, feed.id, DEPARTMENTS, PARALLEL);
		// Subscribes (the trigger's auto-subscribe) and marks the crash-recovery window: the first polls emit nothing.
		await ours.prepare();
		const http = requestHelpers(credentials).helpers.httpRequest;
		const naiveToken = await fetchToken(
			http,
			sandbox.url,
			NAIVE_CLIENT.clientId,
			NAIVE_CLIENT.secret,
		);
		await subscribeWholePractice(http, sandbox.url, PRACTICE_ID, naiveToken, feed);
		const drainNaive = () => naiveDrain(http, sandbox.url, PRACTICE_ID, naiveToken, feed);
		await latency(LATENCY_MS);

		// Ours, then the naive loop, on the same backlog: one inject fills both clients' queues. The
		// first pair only warms up the JIT (n8n is a long-running process); it is not reported.
		const rounds: Round[] = [];
		for (let index = -1; index < ROUNDS; index++) {
			const bytes = await injectBacklog(sandbox, feed, RECORDS, index === 0);
			if (index === 0) report.jsonBytes = bytes;
			const oursRun = await measureOurs(sandbox, ours, feed);
			const naiveRun = await measureNaive(sandbox, drainNaive, feed);
			if (index >= 0) rounds.push({ ours: oursRun, naive: naiveRun });
		}
		report.rounds = rounds;

		// Sensitivity: twice the parallel batches; then 20 ms per call (CPU-bound) at the default.
		const wide = new TriggerDrain(credentials, feed.id, DEPARTMENTS, SENSITIVITY.parallel);
		await wide.prepare();
		await injectBacklog(sandbox, feed, RECORDS);
		const wideRun = await measureOurs(sandbox, wide, feed);
		await drainNaive();
		await latency(SENSITIVITY.latencyMs);
		await injectBacklog(sandbox, feed, RECORDS);
		const slow: Round = {
			ours: await measureOurs(sandbox, ours, feed),
			naive: await measureNaive(sandbox, drainNaive, feed),
		};
		report.sensitivity = {
			parallel: SENSITIVITY.parallel,
			wide: wideRun,
			latencyMs: SENSITIVITY.latencyMs,
			slow,
		};
		await latency(LATENCY_MS);
		await unsubscribe(http, sandbox.url, PRACTICE_ID, naiveToken, feed);

		// Crash recovery 1: n8n restarts after a saved poll. The replay reads the saved window again
		// (nothing in it) before draining: its calls are pure overhead.
		await sleep(ours.guardWaitMs());
		let before = requestTotal(await sandbox.stats());
		const afterRestart = await ours.pollAfterRestart();
		report.restart = {
			...classifyChanged(requestsSince(await sandbox.stats(), before)),
			emitted: afterRestart.length,
		};

		// Crash recovery 2: a poll reads LOST records and n8n dies before saving them; after the
		// restart the replay re-reads the window and emits only what was never saved.
		await injectBacklog(sandbox, feed, LOST);
		await sleep(ours.guardWaitMs());
		const lostInCrash = await ours.pollAndCrash();
		before = requestTotal(await sandbox.stats());
		const recoveredItems = await ours.pollAfterRestart();
		const recovery = classifyChanged(requestsSince(await sandbox.stats(), before));
		const recovered = recoveredItems.filter(
			(item) => (item.json._athena as { replayed?: boolean } | undefined)?.replayed,
		).length;
		report.crash = { ...recovery, lost: lostInCrash, emitted: recoveredItems.length, recovered };
		ours.workflow.executions.length = 0;
		const firstLifetime = tokenRequests(await sandbox.stats(), OURS_CLIENT.clientId);
		const preAuthBefore = credentials.tokenFetches;

		// A token lifetime ending in the middle of a parallel drain: how many new tokens does it take?
		await injectBacklog(sandbox, feed, RECORDS);
		await sleep(ours.guardWaitMs());
		const expiry = setTimeout(() => void sandbox.expireTokens(), 200);
		let expiryItems = 0;
		let expiryError: string | undefined;
		try {
			expiryItems = (await ours.poll()).length;
		} catch (error) {
			expiryError = (error as Error).message;
		}
		clearTimeout(expiry);
		ours.workflow.executions.length = 0;
		const afterExpiry = tokenRequests(await sandbox.stats(), OURS_CLIENT.clientId);
		report.tokens = {
			firstLifetime: firstLifetime.requested,
			onExpiry: afterExpiry.requested - firstLifetime.requested,
			refused: afterExpiry.refused,
			preAuthentications: credentials.tokenFetches,
			preAuthenticationsOnExpiry: credentials.tokenFetches - preAuthBefore,
		};
		report.expiry = { items: expiryItems, error: expiryError };

		// The same drain() with a lean fetchPage (fetch + JSON.parse): the drain's scheduling without n8n and axios.
		report.lean = [];
		for (let index = 0; index < LEAN_RUNS; index++) {
			await injectBacklog(sandbox, feed, RECORDS);
			const backlog = await queued(sandbox, OURS_CLIENT.clientId, feed);
			collect();
			const lean = await timed(() =>
				drain({
					feed,
					departmentIds: Array.from({ length: DEPARTMENTS }, (_, id) => id + 1),
					concurrency: PARALLEL,
					classify: classifyAthenaFailure,
					fetchPage: leanHttpFetchPage(
						sandbox.url,
						PRACTICE_ID,
						String(credentials.data.accessToken),
						feed,
					),
					transform: makeTransform({ feed: feed.id, practiceId: Number(PRACTICE_ID) }),
					sleep,
				}),
			);
			report.lean.push({
				wallMs: lean.wallMs,
				cpuMs: lean.cpuMs,
				calls: lean.value.stats.calls.drain,
				items: lean.value.items.length,
				backlog,
				error: lean.value.error === undefined ? undefined : String(lean.value.error),
			});
		}
		const final = await sandbox.stats();
		report.tokensIssued = final.tokensIssued;
		report.violations = final.violations;
	} finally {
		await sandbox.close();
	}

	// CPU per record of our code alone, latency 0: in-process, no sandbox, pages pre-parsed.
	const backlog = syntheticBacklog(feed, RECORDS, DEPARTMENTS);
	report.cpu = {
		...(await cpuPerRecord(feed, backlog, DEPARTMENTS, CPU_RUNS)),
		parseUs: backlog.parseUsPerRecord,
	};

	report.constants = {
		records: RECORDS,
		departments: DEPARTMENTS,
		batchSize: BATCH,
		latencyMs: LATENCY_MS,
		parallel: PARALLEL,
		rounds: ROUNDS,
		tokenLifetimeSec: TOKEN_LIFETIME_SEC,
		minimumCalls: minimumCalls(perBatch(RECORDS)),
		batches: perBatch(RECORDS).length,
		minimumLostCalls: minimumCalls(perBatch(LOST)),
	};
	report.environment = {
		node: process.version,
		cpus: cpus().length,
		cpuModel: cpus()[0]?.model ?? 'unknown',
		platform: `${process.platform} ${process.arch}`,
		loadavg: loadavg().map((value) => Number(value.toFixed(2))),
	};
	report.totalSec = (performance.now() - started) / 1000;
	printReport(report as Report);
}

function diff(after: number | undefined, before: number | undefined): number | undefined {
	return after === undefined || before === undefined ? undefined : after - before;
}

// Exit once stdout is flushed: n8n-core and idle sockets may keep the event loop alive.
main().then(
	() => process.stdout.write('', () => process.exit(0)),
	(error: unknown) => {
		console.error(error);
		process.exit(1);
	},
);
