import { soakActions, totalFaults, type ActionOutcome } from './actions';
import { soakBadInputs, type BadInputOutcome } from './badInputs';
import { captureOutput, Corpus, scannerWorks, soakCredentials, type LeakFinding } from './capture';
import { soakDrain, type DrainOutcome, type DrainSize } from './drain';
import { Random } from './random';
import { startSandbox } from '../sandbox';

/**
 * The soak, at any size: `npm run soak` runs FULL, the jest test runs CI. Phases, on one sandbox
 * (127.0.0.1, real-time clock since the trigger reads athena's time from the Date header):
 *   1. the trigger draining several feeds under faults, crashes, overlaps, restarts and token expiry;
 *   2. the action node writing case notes under faults;
 *   3. malformed input to every operation of both nodes and to the credential;
 * and, over all of it, the leak scan of errors, logs and output metadata.
 */

export interface SoakSize {
	name: string;
	seed: number;
	departments: number;
	drain: DrainSize;
	/** Action-node operations under faults. */
	actions: number;
	/** The whole run stops starting new rounds after this long. */
	timeLimitMs: number;
	/** How athena's replay window answers where its behaviour is unknown (the sandbox's switches). */
	replay?: { includesQueued?: boolean; ignoresOffset?: boolean };
}

export const FULL: SoakSize = {
	name: 'full',
	seed: 20250115,
	departments: 150,
	timeLimitMs: 240_000,
	actions: 80,
	drain: {
		records: 12_000,
		rounds: 60,
		crashes: 16,
		tokenEvery: 3,
		pollBudgetMs: 20_000,
		feeds: [
			{
				feed: 'appointments',
				departments: [1, 60],
				weight: 4,
				options: { maxRecordsPerPoll: 2500, parallelBatches: 3, showpatientdetail: true },
			},
			{ feed: 'patients', weight: 2 },
			{ feed: 'labresults', departments: [41, 130], weight: 3, options: { parallelBatches: 5 } },
			{
				feed: 'documents/patientcase',
				departments: [1, 150],
				weight: 2,
				options: { parallelBatches: 4, maxRecordsPerPoll: 1500 },
			},
			{
				feed: 'chart/healthhistory/problems',
				departments: [5, 34],
				events: ['ProblemAdd'],
				weight: 1,
				options: { parallelBatches: 2 },
			},
		],
	},
};

export const CI: SoakSize = {
	name: 'ci',
	seed: 20250115,
	departments: 60,
	timeLimitMs: 40_000,
	actions: 20,
	drain: {
		records: 1_000,
		rounds: 12,
		crashes: 5,
		tokenEvery: 3,
		pollBudgetMs: 10_000,
		feeds: [
			{
				feed: 'appointments',
				departments: [1, 45],
				weight: 3,
				options: { maxRecordsPerPoll: 150, parallelBatches: 3, showpatientdetail: true },
			},
			{ feed: 'patients', weight: 2 },
			{ feed: 'labresults', departments: [21, 60], weight: 2, options: { parallelBatches: 2 } },
			{
				feed: 'chart/healthhistory/problems',
				departments: [5, 24],
				events: ['ProblemAdd'],
				weight: 1,
			},
		],
	},
};

export interface SoakReport {
	size: string;
	seed: number;
	/** The replay switches the sandbox ran with ('default' when none). */
	replay: string;
	records: number;
	faults: number;
	crashes: number;
	lost: number;
	duplicated: number;
	concurrentViolations: number;
	badInputs: number;
	badInputsRefused: number;
	requestsOnBadInput: number;
	leaks: number;
	faultsByKind: Record<string, number>;
	details: {
		drain: DrainOutcome;
		actions: ActionOutcome;
		badInputs: BadInputOutcome;
		leaks: LeakFinding[];
		scanned: {
			texts: number;
			errors: number;
			consoleLines: number;
			logLines: number;
			secrets: Record<string, number>;
			loggerLevel: string;
			scannerWorks: boolean;
		};
		sandbox: {
			tokensIssued: number;
			tokenOverLimit: number;
			limitOverMax: number;
			changedCalls: number;
			http401: number;
			requests: number;
		};
		wallMs: number;
	};
}

/** Goals of the issue, checked on a report: a list of the ones missed (empty when all are met). */
export function missedGoals(
	report: SoakReport,
	minimum: { records: number; faults: number; crashes: number; badInputs: number },
): string[] {
	const missed: string[] = [];
	if (report.records < minimum.records)
		missed.push(`records ${report.records} < ${minimum.records}`);
	if (report.faults < minimum.faults) missed.push(`faults ${report.faults} < ${minimum.faults}`);
	if (report.crashes < minimum.crashes)
		missed.push(`crashes ${report.crashes} < ${minimum.crashes}`);
	if (report.lost !== 0) missed.push(`lost ${report.lost}`);
	if (report.duplicated !== 0) missed.push(`duplicated ${report.duplicated}`);
	if (report.concurrentViolations !== 0)
		missed.push(`concurrentViolations ${report.concurrentViolations}`);
	if (report.badInputsRefused < minimum.badInputs)
		missed.push(`badInputsRefused ${report.badInputsRefused} < ${minimum.badInputs}`);
	if (report.badInputsRefused !== report.badInputs)
		missed.push(`${report.badInputs - report.badInputsRefused} bad inputs not refused by name`);
	if (report.requestsOnBadInput !== 0)
		missed.push(`requestsOnBadInput ${report.requestsOnBadInput}`);
	if (report.leaks !== 0) missed.push(`leaks ${report.leaks}`);
	if (!report.details.scanned.scannerWorks) missed.push('the leak scanner failed its self-test');
	return missed;
}

export async function runSoak(
	size: SoakSize,
	log: (line: string) => void = () => {},
): Promise<SoakReport> {
	const started = Date.now();
	const deadline = started + size.timeLimitMs;
	const random = new Random(size.seed);
	const corpus = new Corpus();
	let phase = 'start';
	const capture = captureOutput(corpus, () => phase);
	const client = { clientId: 'soak-client', secret: `soak-secret-${random.hex(24)}` };
	const sandbox = await startSandbox({
		departments: size.departments,
		realTimeClock: true,
		// Production's limit (docs/athena-contract.md#authentication): tokens expire on purpose here, several polls share them.
		tokenRateLimitPerMinute: 50,
		replayIncludesQueued: size.replay?.includesQueued ?? false,
		replayIgnoresOffset: size.replay?.ignoresOffset ?? false,
		clients: [client, { clientId: 'other-client', secret: `other-secret-${random.hex(24)}` }],
	});
	try {
		const credentials = soakCredentials(sandbox.url, client, corpus);
		log(
			`soak (${size.name}, seed ${size.seed}): sandbox at ${sandbox.url}, ${size.departments} departments`,
		);
		log(
			`phase 1: the trigger drains ${size.drain.feeds.length} feeds (${size.drain.records} records over ${size.drain.rounds} rounds)`,
		);
		const drain = await soakDrain({
			sandbox,
			departments: size.departments,
			credentials,
			corpus,
			size: size.drain,
			random,
			seed: size.seed,
			deadline,
			log,
			setPhase: (name) => (phase = name),
		});
		const drainFaults = totalFaults(sandbox);

		phase = 'actions';
		log(`phase 2: ${size.actions} action-node operations with case notes under faults`);
		const actions = await soakActions({
			sandbox,
			credentials,
			corpus,
			random,
			operations: size.actions,
			seed: size.seed,
		});

		phase = 'bad input';
		log('phase 3: malformed input to every operation of both nodes and to the credential');
		const badInputs = await soakBadInputs({ sandbox, client, corpus, random });

		const stats = sandbox.stats();
		const http401 = Object.entries(stats.counters)
			.filter(([route]) => route !== 'token')
			.reduce((sum, [, counter]) => sum + (counter.byStatus['401'] ?? 0), 0);
		const faultsByKind: Record<string, number> = {};
		for (const [kind, count] of Object.entries(stats.faults))
			if (kind !== 'latency') faultsByKind[kind] = count ?? 0;
		faultsByKind.expiredToken = http401;

		phase = 'scan';
		capture.release();
		const leaks = corpus.scan();
		const secrets: Record<string, number> = {};
		for (const kind of ['clientSecret', 'bearerToken', 'patientText', 'note'] as const)
			secrets[kind] = corpus.secretCount(kind);

		return {
			size: size.name,
			seed: size.seed,
			replay: replayName(size.replay),
			records: drain.records,
			faults: drainFaults + actions.faults + http401,
			crashes: drain.crashes,
			lost: drain.lost,
			duplicated: drain.duplicated,
			concurrentViolations: stats.violations.concurrentChanged,
			badInputs: badInputs.total,
			badInputsRefused: badInputs.refused,
			requestsOnBadInput: badInputs.requests,
			leaks: leaks.length,
			faultsByKind,
			details: {
				drain,
				actions,
				badInputs,
				leaks,
				scanned: {
					texts: corpus.texts.length,
					errors: corpus.errors,
					consoleLines: corpus.consoleLines,
					logLines: corpus.logLines,
					secrets,
					loggerLevel: capture.loggerLevel,
					scannerWorks: scannerWorks(),
				},
				sandbox: {
					tokensIssued: stats.tokensIssued,
					tokenOverLimit: stats.violations.tokenOverLimit,
					limitOverMax: stats.violations.limitOverMax,
					changedCalls: stats.counters.changed?.total ?? 0,
					http401,
					requests: Object.values(stats.counters).reduce((sum, counter) => sum + counter.total, 0),
				},
				wallMs: Date.now() - started,
			},
		};
	} finally {
		capture.release();
		await sandbox.close();
	}
}

/** The readable summary (the CLI prints it before the JSON line). */
/** The replay switches as the report names them. */
export function replayName(replay: SoakSize['replay']): string {
	const on = [
		replay?.includesQueued && 'replayIncludesQueued',
		replay?.ignoresOffset && 'replayIgnoresOffset',
	].filter(Boolean);
	return on.length ? on.join('+') : 'default';
}

export function summary(report: SoakReport): string[] {
	const { drain, actions, badInputs, scanned, sandbox } = report.details;
	const lines: string[] = [];
	lines.push('');
	lines.push(
		`athenahealth soak (${report.size}, seed ${report.seed}, replay ${report.replay}) in ${(report.details.wallMs / 1000).toFixed(1)} s`,
	);
	lines.push('');
	lines.push('Trigger drain');
	lines.push(
		`  records injected        ${drain.records} (${drain.injectedWhilePolling} while polls were running), ${drain.feeds.length} feeds`,
	);
	lines.push(
		`  polls                   ${drain.polls} in ${drain.rounds} rounds + ${drain.settleTicks} settling; ${drain.failedPolls} failed executions`,
	);
	lines.push(
		`  crashes                 ${drain.crashes} polls thrown away after reading ${drain.crashedRecords} records`,
	);
	lines.push(
		`  overlaps / restarts     ${drain.overlaps} double ticks, ${drain.restarts} restarts, ${drain.leaderChanges} leader changes`,
	);
	lines.push(
		`  scripted                ${drain.firstCallFailures} drains whose first /changed call failed once (500, dropped, dropped after processing)`,
	);
	lines.push(
		`                          ${drain.stalledPolls} of 3 polls after a restart did nothing while records waited (a lease saved by an overlapping tick${drain.stalledPolls ? ': STALLED' : ''})`,
	);
	lines.push(
		`  tokens                  ${drain.tokenExpiries} expired mid-drain (${sandbox.http401} calls answered 401), ${sandbox.tokensIssued} issued, ${sandbox.tokenOverLimit} over athena's limit`,
	);
	lines.push(
		`  /changed calls          ${sandbox.changedCalls} (${sandbox.requests} requests in all)`,
	);
	lines.push(
		`  faults                  ${report.faults}: ${Object.entries(report.faultsByKind)
			.map(([kind, count]) => `${kind} ${count}`)
			.join(', ')}`,
	);
	lines.push('');
	lines.push(
		'  feed                           injected  emitted  unique  replayed  lost  twice  foreign  queued',
	);
	for (const feed of drain.feeds) {
		lines.push(
			`  ${feed.feed.padEnd(30)} ${String(feed.injected).padStart(8)} ${String(feed.emitted).padStart(8)} ${String(feed.unique).padStart(7)} ${String(feed.replayed).padStart(9)} ${String(feed.lost).padStart(5)} ${String(feed.duplicated).padStart(6)} ${String(feed.foreign).padStart(8)} ${String(feed.stillQueued).padStart(7)}`,
		);
		if (feed.lostSample.length) lines.push(`    lost e.g. ${feed.lostSample.join(', ')}`);
		if (feed.duplicatedSample.length)
			lines.push(`    twice e.g. ${feed.duplicatedSample.join(', ')}`);
	}
	if (Object.keys(drain.failureMessages).length) {
		lines.push('');
		lines.push('  failed executions (as the user sees them):');
		for (const [message, count] of Object.entries(drain.failureMessages).sort(
			(a, b) => b[1] - a[1],
		))
			lines.push(`    ${String(count).padStart(4)}× ${message}`);
	}
	if (drain.harnessErrors.length)
		lines.push(
			`  harness errors: ${drain.harnessErrors.length} (first: ${drain.harnessErrors[0].split('\n')[0]})`,
		);
	if (drain.timedOut) lines.push('  stopped early: the time limit was reached');
	lines.push('');
	lines.push('Action node under faults');
	lines.push(
		`  ${actions.operations} operations with case notes: ${actions.succeeded} answered, ${actions.failed} failed, through ${actions.faults} faults`,
	);
	lines.push('');
	lines.push('Malformed input');
	lines.push(
		`  ${badInputs.refused} of ${badInputs.total} refused with an error naming the field; ${badInputs.requests} requests sent for them`,
	);
	lines.push(
		`  per operation: ${Object.entries(badInputs.byOperation)
			.map(([operation, count]) => `${operation} ${count}`)
			.join(', ')}`,
	);
	for (const failure of badInputs.failures) {
		lines.push(
			`  NOT REFUSED BY NAME: ${failure.operation}, ${failure.what}: ${failure.refused ? 'refused' : 'accepted'}, ${failure.requests} requests${failure.message ? `, "${failure.message}"` : ''}`,
		);
	}
	lines.push('');
	lines.push('Leaks');
	lines.push(
		`  scanned ${scanned.texts} texts (${scanned.errors} errors, ${scanned.logLines} log lines at ${scanned.loggerLevel}, ${scanned.consoleLines} console lines, output metadata) for ${Object.entries(
			scanned.secrets,
		)
			.map(([kind, count]) => `${count} ${kind}`)
			.join(', ')}`,
	);
	lines.push(
		`  ${report.leaks} leaks (scanner self-test ${scanned.scannerWorks ? 'passed' : 'FAILED'})`,
	);
	for (const leak of report.details.leaks.slice(0, 20))
		lines.push(`    ${leak.kind} in ${leak.source} (${leak.where}): ${leak.value}`);
	lines.push('');
	return lines;
}

/** The last line: the headline numbers, plus the breakdowns. */
export function jsonLine(report: SoakReport): string {
	const { details, ...headline } = report;
	return JSON.stringify({
		...headline,
		polls: details.drain.polls,
		failedPolls: details.drain.failedPolls,
		overlaps: details.drain.overlaps,
		restarts: details.drain.restarts + details.drain.leaderChanges,
		tokenExpiries: details.drain.tokenExpiries,
		firstCallFailures: details.drain.firstCallFailures,
		stalledPolls: details.drain.stalledPolls,
		injectedWhilePolling: details.drain.injectedWhilePolling,
		foreign: details.drain.foreign,
		tokensIssued: details.sandbox.tokensIssued,
		tokenOverLimit: details.sandbox.tokenOverLimit,
		wallMs: details.wallMs,
	});
}
