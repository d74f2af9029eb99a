import { randomUUID } from 'crypto';
import type { IDataObject, INodeExecutionData, IPollFunctions } from 'n8n-workflow';

import { athenaFeedIo } from '../common/changedFeed';
import { makeTransform } from '../common/records';
import { CLOCK_TOLERANCE_MS, drain, floorSecond, peek, type DrainResult, type RunOptions } from '../drain';
import type { TriggerSettings } from './settings';
import { drainDue, isLive, loadState, releaseLease, saveState, setLive, takeLease, type TriggerState } from './state';
import { checkSubscription, handleNotSubscribed, isNotSubscribed, knownEvent } from './subscription';

/** n8n-workflow < 2.38 has no getPollBudgetMs: assume n8n's default of five minutes. */
const DEFAULT_BUDGET_MS = 5 * 60_000;
/** A lease outlives its poll's budget by this much; then a crashed poll's lease is ignored. */
const LEASE_SLACK_MS = 60_000;

export type PollOutput = INodeExecutionData[][] | null;

/** The crash-recovery part of the saved state, as a poll hands it to the next. */
type Recovery = Pick<TriggerState, 'windowStart' | 'guardUntil' | 'recent' | 'owed' | 'clockOffsetMs' | 'anchorPending'>;

function budgetOf(context: IPollFunctions): number {
	const budget = typeof context.getPollBudgetMs === 'function' ? context.getPollBudgetMs() : DEFAULT_BUDGET_MS;
	return Number.isFinite(budget) && budget > 0 ? budget : DEFAULT_BUDGET_MS;
}

function recoveryOf(state: TriggerState): Recovery {
	const { windowStart, guardUntil, recent, owed, clockOffsetMs, anchorPending } = state;
	return { windowStart, guardUntil, recent, owed, clockOffsetMs, anchorPending };
}

/**
 * A scheduled poll: one drain of the feed at a time (a lease on the static data in memory, since
 * n8n lets ticks overlap) and at most one per minimum interval. What the next poll needs is written to static data
 * in one step before the poll returns, so what n8n saves with the items is consistent.
 */
export async function scheduledPoll(context: IPollFunctions, settings: TriggerSettings): Promise<PollOutput> {
	const staticData = context.getWorkflowStaticData('node');
	const state = loadState(staticData, settings.feed.id, (message) => context.logger.info(message));
	saveState(staticData, state);
	if (state.anchorPending && settings.crashRecovery && isLive(staticData)) {
		// The window was marked by the previous poll; this empty result gets it saved (see anchor()).
		delete state.anchorPending;
		return null;
	}
	const started = Date.now();
	if (!drainDue(state, started, settings.minIntervalMs)) return null;
	const budget = budgetOf(context);
	const lease = randomUUID();
	if (!takeLease(staticData, started, budget + LEASE_SLACK_MS, lease)) return null;
	state.lastDrainStart = started;
	// Until this poll ends cleanly its memory vouches for nothing: an unexpected failure means a replay.
	const live = isLive(staticData);
	setLive(staticData, false);
	try {
		const { recovery, result } = await pollOnce(context, settings, state, live, started + budget);
		const next: TriggerState = { v: 1, feed: settings.feed.id, lastDrainStart: started, subscription: state.subscription };
		saveState(staticData, settings.crashRecovery ? { ...next, ...recovery } : next);
		setLive(staticData, true);
		return finish(context, result);
	} finally {
		releaseLease(staticData, lease);
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
	const run: RunOptions = {
		...athenaFeedIo(context, feed, settings.readQuery),
		transform: makeTransform({ feed: feed.id, practiceId: settings.practiceId, keepEvents: settings.events, knownEvent: knownEvent(state) }),
		deadline,
		clockOffsetMs: state.clockOffsetMs,
		stopBelowQuotaPercent: settings.stopBelowQuotaPercent,
	};
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
		clockOffsetMs: found.serverTime === undefined ? state.clockOffsetMs : found.serverTime - Date.now(),
		anchorPending: true,
	};
}

/**
 * The poll's answer. Records already read are never held back: when a later call failed, they
 * start an execution of their own and then the failure is raised, so n8n records a failed poll too.
 */
function finish(context: IPollFunctions, result: DrainResult | undefined): PollOutput {
	if (!result) return null;
	const items: INodeExecutionData[] = result.items.map((json: IDataObject) => ({ json }));
	if (result.error === undefined) {
		if (result.stoppedBy === 'quota' && result.quota) {
			const { remaining, limit } = result.quota;
			context.logger.info(
				`athenahealth Trigger stopped below Stop Below Remaining Quota: athena allows ${remaining} more of ${limit} requests today (resets at midnight GMT); the rest stays queued in athena`,
			);
		} else if (result.stoppedBy) {
			const limit = result.stoppedBy === 'budget' ? 'the poll time budget' : 'Max Records per Poll';
			context.logger.debug(`athenahealth Trigger stopped at ${limit}; the rest stays queued in athena for the next poll`);
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
