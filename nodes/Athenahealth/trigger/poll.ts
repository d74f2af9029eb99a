import { randomUUID } from 'crypto';
import type { IDataObject, INodeExecutionData, IPollFunctions } from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

import { athenaFeedIo, classifyAthenaFailure } from '../common/changedFeed';
import { pickFields } from '../common/output';
import { makeTransform } from '../common/records';
import {
	CLOCK_TOLERANCE_MS,
	drain,
	floorSecond,
	peek,
	type DrainResult,
	type RunOptions,
} from '../drain';
import type { TriggerSettings } from './settings';
import { beginRead, feedKey, triggerFetch } from '../common/feedReads';
import {
	drainDue,
	isLive,
	loadState,
	releaseLease,
	saveState,
	setLive,
	takeLease,
	type TriggerState,
} from './state';
import {
	checkSubscription,
	handleNotSubscribed,
	isNotSubscribed,
	knownEvent,
} from './subscription';

/** n8n-workflow < 2.38 has no getPollBudgetMs: assume n8n's default of five minutes. */
const DEFAULT_BUDGET_MS = 5 * 60_000;
/** A lease outlives its poll's budget by this much; then a crashed poll's lease is ignored. */
const LEASE_SLACK_MS = 60_000;
/**
 * The poll n8n runs while it activates a workflow (also for every active workflow at start-up) must
 * end well inside n8n's publication deadline: 84 s with n8n 2.41's defaults, after which the
 * workflow is left not polling at all. Whatever is queued and however athena answers, it ends
 * within this bound.
 */
export const ACTIVATION_BUDGET_MS = 20_000;
/** Marks a poll context that already polled (never saved: a symbol on the context object). */
const POLLED = Symbol.for('n8n-nodes-athenahealth.polled');

/**
 * What kind of poll this is. n8n 2.41 (n8n-core's active-workflow-triggers) builds one poll
 * context when it activates a workflow, runs the activation poll on it and then every scheduled
 * tick on the same object; its durable scheduler builds a fresh context for each poll, with the
 * activation mode 'update'. IPollFunctions has no flag for the activation poll itself, so:
 * - a context that polled before: a scheduled tick;
 * - a fresh one with any other activation mode ('init' at start-up, 'activate', 'create',
 *   'leadershipChange'): the activation poll;
 * - a fresh one with 'update': a poll of the durable scheduler, or the activation after an edit
 *   of an active workflow; it drains, within ACTIVATION_BUDGET_MS, so both are safe.
 */
export type PollKind = 'activation' | 'fresh' | 'scheduled';

export function pollKind(context: IPollFunctions): PollKind {
	const marks = context as unknown as Record<symbol, boolean | undefined>;
	const polled = marks[POLLED] === true;
	marks[POLLED] = true;
	if (polled) return 'scheduled';
	return context.getActivationMode() === 'update' ? 'fresh' : 'activation';
}

export type PollOutput = INodeExecutionData[][] | null;

/** The crash-recovery part of the saved state, as a poll hands it to the next. */
type Recovery = Pick<
	TriggerState,
	'windowStart' | 'guardUntil' | 'recent' | 'owed' | 'pending' | 'clockOffsetMs' | 'anchorPending'
>;

function budgetOf(context: IPollFunctions): number {
	const budget =
		typeof context.getPollBudgetMs === 'function' ? context.getPollBudgetMs() : DEFAULT_BUDGET_MS;
	return Number.isFinite(budget) && budget > 0 ? budget : DEFAULT_BUDGET_MS;
}

function recoveryOf(state: TriggerState): Recovery {
	const { windowStart, guardUntil, recent, owed, pending, clockOffsetMs, anchorPending } = state;
	return { windowStart, guardUntil, recent, owed, pending, clockOffsetMs, anchorPending };
}

/**
 * A scheduled poll: one drain of the feed at a time (a lease on the static data in memory, since
 * n8n lets ticks overlap) and at most one per minimum interval. What the next poll needs is written to static data
 * in one step before the poll returns, so what n8n saves with the items is consistent.
 */
export async function scheduledPoll(
	context: IPollFunctions,
	settings: TriggerSettings,
): Promise<PollOutput> {
	const kind = pollKind(context);
	const staticData = context.getWorkflowStaticData('node');
	const state = loadState(
		staticData,
		settings.feed.id,
		(message) => context.logger.info(message),
		settings.practiceId,
	);
	saveState(staticData, state);
	if (kind === 'activation') return await activationPoll(context, settings, state, staticData);
	if (state.anchorPending && settings.crashRecovery && isLive(staticData)) {
		// The window was marked by the previous poll; this empty result gets it saved (see anchor()).
		delete state.anchorPending;
		return null;
	}
	const started = Date.now();
	if (!drainDue(state, started, settings.minIntervalMs)) return null;
	const budget =
		kind === 'fresh' ? Math.min(ACTIVATION_BUDGET_MS, budgetOf(context)) : budgetOf(context);
	const lease = randomUUID();
	const leaseKey = `${context.getWorkflow().id ?? ''}/${context.getNode().id}`;
	if (!takeLease(leaseKey, started, budget + LEASE_SLACK_MS, lease)) return null;
	// Seen by Fetch Test Event in any workflow: it does not read this feed's queue meanwhile (feedReads.ts).
	const reading = beginRead(
		feedKey(settings.practiceId, settings.feed.id),
		'trigger',
		'poll',
		settings.departmentIds,
	);
	state.lastDrainStart = started;
	// Until this poll ends cleanly its memory vouches for nothing: an unexpected failure means a replay.
	const live = isLive(staticData);
	setLive(staticData, false);
	try {
		const { recovery, result } = await pollOnce(context, settings, state, live, started + budget);
		const next: TriggerState = {
			v: 1,
			feed: settings.feed.id,
			practiceId: settings.practiceId,
			lastDrainStart: started,
			subscription: state.subscription,
		};
		saveState(staticData, settings.crashRecovery ? { ...next, ...recovery } : next);
		setLive(staticData, true);
		if (result) {
			const { fetched, recovered, duplicates, calls } = result.stats;
			context.logger.debug(
				`athenahealth Trigger: ${kind} poll read ${fetched} records from the queue, ${recovered} again by replay (${duplicates} already emitted), in ${calls.drain + calls.replay + calls.catchUp} calls${live ? '' : ', replaying what memory could not vouch for'}`,
			);
		}
		return finish(context, result, settings.fields);
	} finally {
		reading.end();
		releaseLease(leaseKey, lease);
	}
}

async function pollOnce(
	context: IPollFunctions,
	settings: TriggerSettings,
	state: TriggerState,
	live: boolean,
	deadline: number,
): Promise<{ recovery: Recovery; result?: DrainResult }> {
	const { feed } = settings;
	const unchanged = { recovery: recoveryOf(state) };
	if (!(await checkSubscription(context, settings, state, Date.now()))) return unchanged;
	const run = runOptions(context, settings, state, deadline);
	if (settings.crashRecovery && state.windowStart === undefined) {
		const marked = await anchor(context, settings, state, run);
		return marked ? { recovery: marked } : unchanged;
	}
	const result = await drain({
		...run,
		feed,
		departmentIds: settings.departmentIds,
		maxRecords: settings.maxRecordsPerPoll,
		concurrency: settings.parallelBatches,
		recovery: settings.crashRecovery ? { state, replay: !live } : undefined,
	});
	if (result.items.length === 0 && isNotSubscribed(result.error)) {
		await handleNotSubscribed(context, settings, state, Date.now());
		return unchanged;
	}
	return { recovery: result.recovery ?? {}, result };
}

/**
 * The activation poll: only what must happen before the first drain, within ACTIVATION_BUDGET_MS.
 * It checks (or makes) the subscription and, for a trigger with crash recovery and no window yet,
 * marks the recovery window; draining and replays are left to the scheduled polls. A failure athena
 * may recover from (429, 5xx, no answer, the bound) is logged and left to the next poll, so n8n
 * keeps the workflow active; a refusal that needs the user (not subscribed with Subscribe
 * Automatically off, a credential athena rejects) fails the activation with its message.
 */
async function activationPoll(
	context: IPollFunctions,
	settings: TriggerSettings,
	state: TriggerState,
	staticData: IDataObject,
): Promise<null> {
	const started = Date.now();
	let abandoned = false;
	const work = async (): Promise<void> => {
		await checkSubscription(context, settings, state, Date.now());
		if (!settings.crashRecovery || state.windowStart !== undefined) return;
		// The clock reading is a read of the feed: the pacing counts it.
		state.lastDrainStart = started;
		const marked = await anchor(
			context,
			settings,
			state,
			runOptions(context, settings, state, started + ACTIVATION_BUDGET_MS),
		);
		// A mark that comes after the bound stays unsaved: the next poll marks again.
		if (!marked || abandoned) return;
		saveState(staticData, { ...state, ...marked });
		// What is in memory is what n8n saves after the activation: the next tick may vouch for it.
		setLive(staticData, true);
	};
	const stop = new AbortController();
	const outcome = await Promise.race([
		work().then(
			() => 'done' as const,
			(error: unknown) => ({ error }),
		),
		sleep(ACTIVATION_BUDGET_MS, stop.signal).then(
			() => 'bound' as const,
			() => 'done' as const,
		),
	]);
	stop.abort();
	if (outcome === 'bound') {
		abandoned = true;
		context.logger.warn(
			`athenahealth Trigger: the activation poll stopped at its bound of ${ACTIVATION_BUDGET_MS / 1000} s (athena is slow to answer); the scheduled polls go on from here`,
		);
	} else if (outcome !== 'done') {
		if (!classifyAthenaFailure(outcome.error).retry) throw outcome.error;
		context.logger.warn(
			`athenahealth Trigger: athena failed during the activation poll (${(outcome.error as Error).message}); the scheduled polls try again`,
		);
	}
	return null;
}

function runOptions(
	context: IPollFunctions,
	settings: TriggerSettings,
	state: TriggerState,
	deadline: number,
): RunOptions {
	const { feed } = settings;
	const io = athenaFeedIo(context, feed, settings.readQuery);
	return {
		...io,
		// Each call takes its turn with Fetch Test Event's calls of the same departments (feedReads.ts).
		fetchPage: triggerFetch(io.fetchPage, feedKey(settings.practiceId, feed.id)),
		transform: makeTransform({
			feed: feed.id,
			practiceId: settings.practiceId,
			keepEvents: settings.events,
			knownEvent: knownEvent(state),
		}),
		deadline,
		clockOffsetMs: state.clockOffsetMs,
		stopBelowQuotaPercent: settings.stopBelowQuotaPercent,
	};
}

/**
 * With crash recovery, the first poll reads athena's clock without removing anything, marks the
 * window's start and returns nothing; the next tick returns nothing again so n8n saves the mark
 * (n8n 2.41 saves a scheduled tick's empty result, never the activation poll's) before any record
 * is removed. Undefined when the feed turned out not to be subscribed.
 */
async function anchor(
	context: IPollFunctions,
	settings: TriggerSettings,
	state: TriggerState,
	run: RunOptions,
): Promise<Recovery | undefined> {
	const found = await peek({ ...run, departmentIds: settings.departmentIds, limit: 1 });
	if (found.error !== undefined) {
		if (!isNotSubscribed(found.error)) throw found.error;
		await handleNotSubscribed(context, settings, state, Date.now());
		return undefined;
	}
	const serverTime = found.serverTime ?? Date.now() + (state.clockOffsetMs ?? 0) - 60_000;
	return {
		windowStart: floorSecond(serverTime) - CLOCK_TOLERANCE_MS,
		clockOffsetMs:
			found.serverTime === undefined ? state.clockOffsetMs : found.serverTime - Date.now(),
		anchorPending: true,
	};
}

/**
 * The poll's answer. Records already read are never held back: when a later call failed, they
 * start an execution of their own and then the failure is raised, so n8n records a failed poll too.
 */
function finish(
	context: IPollFunctions,
	result: DrainResult | undefined,
	fields?: readonly string[],
): PollOutput {
	if (!result) return null;
	for (const note of result.notes) context.logger.info(`athenahealth Trigger: ${note}`);
	// Simplify narrows items only now: the drain fingerprints full records (crash recovery).
	const items: INodeExecutionData[] = result.items.map((json: IDataObject) => ({
		json: pickFields(json, fields),
	}));
	if (result.error === undefined) {
		if (result.stoppedBy === 'quota' && result.quota) {
			const { remaining, limit } = result.quota;
			context.logger.info(
				`athenahealth Trigger stopped below Stop Below Remaining Quota: athena allows ${remaining} more of ${limit} requests today (resets at midnight GMT); the rest stays queued in athena`,
			);
		} else if (result.stoppedBy) {
			const limit = result.stoppedBy === 'budget' ? 'the poll time budget' : 'Max Records per Poll';
			context.logger.debug(
				`athenahealth Trigger stopped at ${limit}; the rest stays queued in athena for the next poll`,
			);
		}
		return items.length ? [items] : null;
	}
	const error = result.error as Error & { description?: string | null };
	if (items.length) {
		context.__emit([items]);
		const kept = `The ${items.length} records read before the failure started their own execution, so none were lost; the rest stays queued in athena for the next poll.`;
		error.description = error.description ? `${error.description} ${kept}` : kept;
	}
	throw error;
}
