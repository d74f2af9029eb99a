import type { IDataObject, INodeExecutionData, WorkflowActivateMode } from 'n8n-workflow';

import { getFeed, type FeedDefinition } from '../../nodes/Athenahealth/feeds/catalog';
import { META_KEY } from '../../nodes/Athenahealth/drain';
import { PolledWorkflow } from '../harness/n8n';
import type { FaultConfig, Sandbox } from '../sandbox';
import { CREDENTIAL_SECRETS, type Corpus, type RecordingCredentials } from './capture';
import { triggerNode } from './nodes';
import type { Random } from './random';

/**
 * The trigger under load: one workflow per feed (several feeds, many departments, one API key),
 * records injected before and WHILE polls run, faults on every route, tokens expiring mid-drain,
 * overlapping ticks of one workflow, polls whose result is thrown away (a crash), restarts and
 * leader changes. Every emitted id is compared with every injected id, per feed.
 */

export interface FeedPlan {
	feed: string;
	/** Departments the trigger reads (and its subscription covers): [first, last]; none = whole practice. */
	departments?: [number, number];
	/** The trigger's "events to keep"; records are injected for these events only (others are never queued). */
	events?: string[];
	/** Share of the injected records. */
	weight: number;
	/** Trigger options beyond the soak's (no minute between drains). */
	options?: IDataObject;
}

export interface DrainSize {
	/** Records to inject in all. */
	records: number;
	/** Rounds of polls; each injects records / rounds. */
	rounds: number;
	/** Polls whose result is thrown away, planned (a crash on an empty queue does not count). */
	crashes: number;
	feeds: FeedPlan[];
	/** Rounds (of every `tokenEvery`) in which all tokens expire while polls run. */
	tokenEvery: number;
	/** The poll budget n8n gives each poll (getPollBudgetMs). */
	pollBudgetMs: number;
}

type Action = 'tick' | 'overlap' | 'crash' | 'restart' | 'leader';

export interface FeedOutcome {
	feed: string;
	injected: number;
	emitted: number;
	unique: number;
	lost: number;
	duplicated: number;
	/** Emitted ids that were never injected. */
	foreign: number;
	replayed: number;
	stillQueued: number;
	expired: number;
	lostSample: string[];
	duplicatedSample: string[];
}

export interface DrainOutcome {
	records: number;
	injectedWhilePolling: number;
	rounds: number;
	polls: number;
	failedPolls: number;
	failureMessages: Record<string, number>;
	crashes: number;
	crashedRecords: number;
	overlaps: number;
	restarts: number;
	leaderChanges: number;
	tokenExpiries: number;
	settleTicks: number;
	/** Scripted: the first /changed call of a drain fails once (500, dropped, dropped after processing), once per feed. */
	firstCallFailures: number;
	/** Scripted: polls after a restart that did nothing while records waited, because an overlapping tick saved another tick's lease. */
	stalledPolls: number;
	feeds: FeedOutcome[];
	lost: number;
	duplicated: number;
	foreign: number;
	/** Polls by action, and those that threw out of the harness (should be none). */
	actions: Record<Action, number>;
	harnessErrors: string[];
	timedOut: boolean;
}

interface Running {
	plan: FeedPlan;
	feed: FeedDefinition;
	wf: PolledWorkflow;
	departments?: number[];
	injected: Set<string>;
	events: string[];
	/** What produced each of wf.executions (same index): round and action. */
	labels: string[];
}

const range = (from: number, to: number) =>
	Array.from({ length: to - from + 1 }, (_, index) => from + index);

/** Faults for a round: phases cycle so every kind shows up, with fixed rates (the sandbox's PRNG is seeded per round). */
export function faultRules(round: number): FaultConfig['rules'] {
	switch (round % 4) {
		case 0: // a storm on /changed, token and subscription calls failing too
			return [
				{
					route: 'changed',
					rate429: 0.05,
					rate429RetryAfter: 0.05,
					retryAfterSeconds: 0,
					rate500: 0.05,
					rate503: 0.05,
					rateDrop: 0.04,
					rateDropAfterProcessing: 0.06,
					spikeRate: 0.1,
					spikeMs: 120,
				},
				{ route: 'token', rate500: 0.1, rate503: 0.05, rateDrop: 0.05 },
				{ route: 'subscription', rate500: 0.2, rate429: 0.1 },
			];
		case 1: // latency spikes only
			return [{ route: 'changed', spikeRate: 0.25, spikeMs: 150 }];
		case 2: // rate limits with a real Retry-After of one second, and lost answers
			return [
				{
					route: 'changed',
					rate429: 0.06,
					rate429RetryAfter: 0.04,
					retryAfterSeconds: 1,
					rateDropAfterProcessing: 0.08,
					spikeRate: 0.05,
					spikeMs: 100,
				},
				{ route: 'token', rate429: 0.1 },
			];
		default: // the gateway failing everything now and then
			return [
				{
					route: '*',
					rate500: 0.04,
					rate503: 0.06,
					rateDrop: 0.04,
					rateDropAfterProcessing: 0.04,
					spikeRate: 0.08,
					spikeMs: 100,
				},
			];
	}
}

/** The executions that emitted a record: what produced them, and whether the record came from a replay. */
function whereEmitted(run: Running, id: string): string {
	const found: string[] = [];
	run.wf.executions.forEach((items, index) => {
		for (const item of items) {
			if (String(item.json[run.feed.idField]) !== id) continue;
			const meta = item.json[META_KEY] as IDataObject | undefined;
			found.push(
				`execution ${index} [${run.labels[index] ?? '?'}]${meta?.replayed ? ' replayed' : ''}`,
			);
		}
	});
	return found.join('; ');
}

export async function soakDrain(options: {
	sandbox: Sandbox;
	/** Departments the sandbox was started with. */
	departments: number;
	credentials: RecordingCredentials;
	corpus: Corpus;
	size: DrainSize;
	random: Random;
	seed: number;
	deadline: number;
	log: (line: string) => void;
	setPhase: (phase: string) => void;
	/** Called after every action of every workflow (debugging a finding). */
	trace?: (feed: string, label: string, wf: PolledWorkflow) => void;
}): Promise<DrainOutcome> {
	const { sandbox, credentials, corpus, size, random, seed, deadline, log } = options;
	const clientId = String(credentials.data.clientId);
	const outcome: DrainOutcome = {
		records: 0,
		injectedWhilePolling: 0,
		rounds: 0,
		polls: 0,
		failedPolls: 0,
		failureMessages: {},
		crashes: 0,
		crashedRecords: 0,
		overlaps: 0,
		restarts: 0,
		leaderChanges: 0,
		tokenExpiries: 0,
		settleTicks: 0,
		firstCallFailures: 0,
		stalledPolls: 0,
		feeds: [],
		lost: 0,
		duplicated: 0,
		foreign: 0,
		actions: { tick: 0, overlap: 0, crash: 0, restart: 0, leader: 0 },
		harnessErrors: [],
		timedOut: false,
	};

	const running: Running[] = size.feeds.map((plan) => {
		const feed = getFeed(plan.feed);
		const departments = plan.departments && range(plan.departments[0], plan.departments[1]);
		const wf = new PolledWorkflow(
			triggerNode,
			{
				feed: plan.feed,
				events: plan.events ?? [],
				departmentIds: (departments ?? []).map(String),
				options: { minIntervalSeconds: 0, ...plan.options },
			},
			credentials,
			{ pollBudgetMs: size.pollBudgetMs },
		);
		return {
			plan,
			feed,
			wf,
			departments,
			injected: new Set(),
			events: plan.events ?? feed.events,
			labels: [],
		};
	});

	// Activation, without faults: subscribe, mark the replay window, get the mark saved.
	options.setPhase('drain: activation');
	sandbox.setFaults({ seed, rules: [] });
	for (const run of running) {
		for (let poll = 0; poll < 6; poll++) {
			const result = await run.wf.tick();
			if (result.error) corpus.addError(`activation of ${run.feed.id}`, result.error);
			const state = run.wf.staticData.drain as
				| { windowStart?: number; anchorPending?: boolean }
				| undefined;
			if (state?.windowStart !== undefined && !state.anchorPending) break;
		}
	}

	let pollsInFlight = 0;
	const allDepartments = range(1, options.departments);
	/** Injects `count` records for one workflow's feed, in a few of its departments, for one of its events. */
	const injectFor = (run: Running, count: number) => {
		// A few departments of the workflow's (or of the practice) per injection, so batches fill unevenly.
		const pool = run.departments ?? allDepartments;
		const spread = random.sample(pool, random.int(1, Math.min(12, pool.length)));
		const records = sandbox.inject({
			feed: run.feed.id,
			count,
			departmentIds: spread,
			event: random.pick(run.events),
		});
		for (const record of records) {
			run.injected.add(String(record[run.feed.idField]));
			if (run.feed.id === 'patients') {
				corpus.secret('patientText', record.firstname);
				corpus.secret('patientText', record.lastname);
			}
		}
		outcome.records += records.length;
		if (pollsInFlight > 0) outcome.injectedWhilePolling += records.length;
	};
	/** Injects `count` records over the feeds, by weight. */
	const inject = (count: number) => {
		const total = size.feeds.reduce((sum, plan) => sum + plan.weight, 0);
		for (const run of running) {
			const share = Math.round((count * run.plan.weight) / total);
			if (share > 0) injectFor(run, share);
		}
	};

	const errorOf = (where: string, error: Error | null) => {
		if (!error) return;
		outcome.failedPolls++;
		const key = error.message.replace(/\d+/g, 'N').slice(0, 120);
		outcome.failureMessages[key] = (outcome.failureMessages[key] ?? 0) + 1;
		corpus.addError(where, error);
	};

	const tick = async (run: Running, activation: WorkflowActivateMode, where: string) => {
		pollsInFlight++;
		outcome.polls++;
		try {
			const result = await run.wf.tick(activation);
			errorOf(where, result.error);
		} finally {
			pollsInFlight--;
		}
	};

	// Crashes spread over the rounds, one workflow after the other.
	const crashRounds = new Map<number, number[]>();
	for (let crash = 0; crash < size.crashes; crash++) {
		const round = Math.min(
			size.rounds - 1,
			Math.floor(((crash + 0.5) * size.rounds) / size.crashes),
		);
		const list = crashRounds.get(round) ?? [];
		list.push(crash % running.length);
		crashRounds.set(round, list);
	}

	const act = async (run: Running, action: Action, round: number) => {
		try {
			await actOnce(run, action, round);
		} finally {
			while (run.labels.length < run.wf.executions.length)
				run.labels.push(`round ${round} ${action}`);
			options.trace?.(run.feed.id, `round ${round} ${action}`, run.wf);
		}
	};

	const actOnce = async (run: Running, action: Action, round: number) => {
		const where = `round ${round}, ${run.feed.id}, ${action}`;
		outcome.actions[action]++;
		switch (action) {
			case 'tick':
				return await tick(run, 'activate', where);
			case 'overlap':
				outcome.overlaps++;
				return await Promise.all([
					tick(run, 'activate', where),
					tick(run, 'activate', `${where} (second)`),
				]);
			case 'restart':
				outcome.restarts++;
				run.wf.restart();
				return await tick(run, 'init', where);
			case 'leader':
				outcome.leaderChanges++;
				run.wf.restart();
				return await tick(run, 'leadershipChange', where);
			case 'crash': {
				pollsInFlight++;
				outcome.polls++;
				try {
					const discarded = await run.wf.crashAfterPoll();
					if (discarded?.length) {
						outcome.crashes++;
						outcome.crashedRecords += discarded.length;
					}
				} catch (error) {
					// The poll failed before n8n "died": n8n recorded the failure (and saved what it emitted).
					errorOf(where, error as Error);
					run.wf.restart();
				} finally {
					pollsInFlight--;
				}
				return;
			}
		}
	};

	const perRound = Math.ceil(size.records / size.rounds);
	options.setPhase('drain: rounds');
	for (let round = 0; round < size.rounds; round++) {
		if (Date.now() > deadline) {
			outcome.timedOut = true;
			break;
		}
		outcome.rounds++;
		sandbox.setFaults({ seed: seed + round, rules: faultRules(round) });
		const toInject = Math.min(perRound, size.records - outcome.records);
		const before = Math.floor(toInject / 2);
		inject(before);

		const crashes = crashRounds.get(round) ?? [];
		const actions = running.map((run, index): Action => {
			if (crashes.includes(index)) return 'crash';
			if (index === round % running.length) return 'overlap';
			const roll = random.next();
			return roll < 0.08 ? 'restart' : roll < 0.14 ? 'leader' : 'tick';
		});
		const polls = Promise.allSettled(
			running.map((run, index) => act(run, actions[index], round)),
		).then((results) => {
			for (const result of results)
				if (result.status === 'rejected')
					outcome.harnessErrors.push(String((result.reason as Error)?.stack ?? result.reason));
		});

		// While the polls run: the rest of the round's records arrive in slices, and sometimes every token expires.
		const during: Array<Promise<void>> = [];
		const slices = 3;
		let left = toInject - before;
		for (let slice = 0; slice < slices; slice++) {
			const count = slice === slices - 1 ? left : Math.floor((toInject - before) / slices);
			left -= count;
			const delay = random.int(1, 60) * (slice + 1);
			during.push(new Promise((resolve) => setTimeout(() => (inject(count), resolve()), delay)));
		}
		if (round % size.tokenEvery === size.tokenEvery - 1) {
			const delay = random.int(5, 120);
			during.push(
				new Promise((resolve) =>
					setTimeout(() => {
						if (pollsInFlight > 0) {
							sandbox.expireTokens();
							outcome.tokenExpiries++;
						}
						resolve();
					}, delay),
				),
			);
		}
		// Every poll of the round ends before the next round starts, whatever one of them threw.
		for (const settled of await Promise.allSettled([polls, ...during])) {
			if (settled.status === 'rejected')
				outcome.harnessErrors.push(String((settled.reason as Error)?.stack ?? settled.reason));
		}
		if (round % 5 === 4 || round === size.rounds - 1) {
			log(
				`  round ${round + 1}/${size.rounds}: ${outcome.records} records injected, ${outcome.polls} polls, ${outcome.crashes} crashes, ${outcome.failedPolls} failed polls`,
			);
		}
	}

	// Scripted: each feed's next drain loses its first /changed call once, athena having served the
	// earlier polls of the last minute (a poll a minute is n8n's default schedule).
	options.setPhase('drain: first call fails');
	const kinds = ['http500', 'drop', 'dropAfterProcessing'] as const;
	for (const [index, run] of running.entries()) {
		if (Date.now() > deadline) break;
		const kind = kinds[index % kinds.length];
		injectFor(run, 20);
		if (
			await failOnce(sandbox, seed, kind, () =>
				tick(run, 'activate', `first call fails (${kind}), ${run.feed.id}`),
			)
		)
			outcome.firstCallFailures++;
		while (run.labels.length < run.wf.executions.length)
			run.labels.push(`first call fails (${kind})`);
	}

	// Settle: no faults, no new records; poll until every queue is empty and each poll comes back empty twice.
	options.setPhase('drain: settle');
	sandbox.setFaults({ seed, rules: [] });
	const quiet = new Map<Running, number>(running.map((run) => [run, 0]));
	for (let pass = 0; pass < 12 && [...quiet.values()].some((count) => count < 2); pass++) {
		await Promise.all(
			running.map(async (run) => {
				if (quiet.get(run)! >= 2) return;
				outcome.settleTicks++;
				outcome.polls++;
				const result = await run.wf.tick();
				while (run.labels.length < run.wf.executions.length) run.labels.push(`settle ${pass}`);
				errorOf(`settle, ${run.feed.id}`, result.error);
				const empty = sandbox.state.queue(clientId, run.feed.id).length === 0;
				quiet.set(run, !result.error && !result.emitted && empty ? quiet.get(run)! + 1 : 0);
			}),
		);
	}

	if (Date.now() <= deadline)
		outcome.stalledPolls = await leaseAfterFailedOverlap(
			sandbox,
			credentials,
			seed,
			size.pollBudgetMs,
			corpus,
		);

	const queues = sandbox.state.queues();
	for (const run of running) {
		const items: INodeExecutionData[] = run.wf.executions.flat();
		const emitted = items.map((item) => String(item.json[run.feed.idField]));
		const unique = new Set(emitted);
		const lost = [...run.injected].filter((id) => !unique.has(id));
		const counts = new Map<string, number>();
		for (const id of emitted) counts.set(id, (counts.get(id) ?? 0) + 1);
		const twice = [...counts].filter(([, count]) => count > 1);
		const queue = queues.find((entry) => entry.clientId === clientId && entry.feed === run.feed.id);
		let replayed = 0;
		for (const item of items) {
			const meta = item.json[META_KEY] as IDataObject | undefined;
			if (meta?.replayed === true) replayed++;
			corpus.add('outputMetadata', `trigger item of ${run.feed.id}`, JSON.stringify(meta ?? null));
			// The records themselves carry patient data by design, never a credential.
			corpus.add(
				'output',
				`trigger item of ${run.feed.id}`,
				JSON.stringify(item.json),
				CREDENTIAL_SECRETS,
			);
		}
		const feedOutcome: FeedOutcome = {
			feed: run.feed.id,
			injected: run.injected.size,
			emitted: emitted.length,
			unique: unique.size,
			lost: lost.length,
			duplicated: emitted.length - unique.size,
			foreign: [...unique].filter((id) => !run.injected.has(id)).length,
			replayed,
			stillQueued: queue?.queued ?? 0,
			expired: queue?.expired ?? 0,
			lostSample: lost.slice(0, 5),
			duplicatedSample: twice
				.slice(0, 5)
				.map(([id, count]) => `${id}×${count} (${whereEmitted(run, id)})`),
		};
		outcome.feeds.push(feedOutcome);
		outcome.lost += feedOutcome.lost;
		outcome.duplicated += feedOutcome.duplicated;
		outcome.foreign += feedOutcome.foreign;
	}
	return outcome;
}

/**
 * Runs `poll` with the first /changed call answered by the fault `kind` (the rest answered
 * normally). True when the fault happened.
 */
async function failOnce(
	sandbox: Sandbox,
	seed: number,
	kind: 'http500' | 'drop' | 'dropAfterProcessing',
	poll: () => Promise<unknown>,
): Promise<boolean> {
	const before = sandbox.stats().faults[kind] ?? 0;
	const rule =
		kind === 'http500'
			? { rate500: 1 }
			: kind === 'drop'
				? { rateDrop: 1 }
				: { rateDropAfterProcessing: 1 };
	sandbox.setFaults({ seed, rules: [{ route: 'changed', ...rule }] });
	let happened = false;
	const watch = setInterval(() => {
		if ((sandbox.stats().faults[kind] ?? 0) > before) {
			happened = true;
			sandbox.setFaults({ seed, rules: [] });
			clearInterval(watch);
		}
	}, 0);
	try {
		await poll();
	} finally {
		clearInterval(watch);
		sandbox.setFaults({ seed, rules: [] });
	}
	return happened;
}

/**
 * Scripted, on a feed of its own: two ticks overlap, the second backs off (n8n saves static data,
 * the first tick's lease included), the first then fails (athena refuses until it gives up), and
 * n8n restarts. Returns the polls after the restart that did nothing while records waited.
 */
async function leaseAfterFailedOverlap(
	sandbox: Sandbox,
	credentials: RecordingCredentials,
	seed: number,
	pollBudgetMs: number,
	corpus: Corpus,
): Promise<number> {
	const feed = 'claims';
	const wf = new PolledWorkflow(
		triggerNode,
		{ feed, options: { minIntervalSeconds: 0 } },
		credentials,
		{ pollBudgetMs },
	);
	for (let poll = 0; poll < 3; poll++) await wf.tick();
	sandbox.inject({ feed, count: 50 });
	sandbox.setFaults({
		seed,
		rules: [{ route: 'changed', rate429RetryAfter: 1, retryAfterSeconds: 0, latencyMs: 30 }],
	});
	const overlapping = await Promise.all([wf.tick(), wf.tick()]);
	for (const outcome of overlapping)
		if (outcome.error) corpus.addError('lease after a failed overlap', outcome.error);
	sandbox.setFaults({ seed, rules: [] });
	wf.restart();
	// n8n activates the workflow again first; that poll reads nothing from the queue by design.
	const activation = await wf.tick('init');
	if (activation.error) corpus.addError('lease after a failed overlap', activation.error);
	let stalled = 0;
	const clientId = String(credentials.data.clientId);
	for (let poll = 0; poll < 3; poll++) {
		const waiting = sandbox.state.queue(clientId, feed).length;
		const outcome = await wf.tick('init');
		if (outcome.error) corpus.addError('lease after a failed overlap', outcome.error);
		if (waiting > 0 && !outcome.emitted && !outcome.error) stalled++;
	}
	return stalled;
}
