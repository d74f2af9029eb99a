import type { IDataObject, INode, INodeExecutionData, IPollFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { athenaFeedIo } from '../common/changedFeed';
import { pickFields } from '../common/output';
import { makeTransform } from '../common/records';
import { peek, replay, type RunOptions } from '../drain';
import type { FeedDefinition } from '../feeds/catalog';
import { FeedBusy, feedKey, isReading, testFetch, waitUntil } from '../common/feedReads';
import type { TriggerSettings } from './settings';
import { freshState } from './state';
import { handleNotSubscribed, isNotSubscribed } from './subscription';

/** Records a test run shows at most: enough to build the workflow on. */
export const MANUAL_LIMIT = 5;
const MANUAL_BUDGET_MS = 60_000;
/** Already-delivered records a look back reads at most per window; the newest MANUAL_LIMIT are shown. */
const LOOK_BACK_MAX = 500;
const HOUR_MS = 3_600_000;
/** The last hour first (quick), then all athena keeps: 24 hours (docs/athena-contract.md#reading-a-feed). */
const LOOK_BACK_WINDOWS_MS = [HOUR_MS, 24 * HOUR_MS - 60_000];
const END_SLACK_MS = 60_000;
/** How long a test run waits for the active trigger's poll of the feed to end before it only looks back. */
export const DRAIN_WAIT_MS = 5_000;
/** A look back beside an active drain stays short: the drain's calls wait for each of its calls. */
const BESIDE_DRAIN_BUDGET_MS = 8_000;

/**
 * "Fetch Test Event" never consumes the queue and saves nothing (n8n never saves static data in
 * manual mode). It shows records waiting in the queue, read with athena's leaveunprocessed flag;
 * when none wait, the most recent records athena already delivered, read again from its processed
 * window (which removes nothing), marked `_athena.replayed: true`. Only when both are empty does it
 * say so, naming the feed and what to do.
 *
 * athena's queue is the practice's, whatever workflow reads it: while a scheduled poll of this
 * process drains the feed (any workflow, same practice and feed, overlapping departments) the test
 * waits a few seconds for it, then leaves the queue alone and only looks back, taking turns with
 * the drain's calls (feedReads.ts); failing that it says the trigger is reading the feed.
 */
export async function manualPoll(
	context: IPollFunctions,
	settings: TriggerSettings,
): Promise<INodeExecutionData[][]> {
	const { feed } = settings;
	const key = feedKey(settings.practiceId, feed.id);
	const io = athenaFeedIo(context, feed, settings.readQuery);
	const run: RunOptions = {
		...io,
		fetchPage: testFetch(io.fetchPage, key),
		transform: makeTransform({
			feed: feed.id,
			practiceId: settings.practiceId,
			keepEvents: settings.events,
		}),
		deadline: Date.now() + MANUAL_BUDGET_MS,
	};
	const draining = () =>
		isReading(key, settings.departmentIds, { reader: 'trigger', scope: 'poll' });
	if (draining() && !(await waitUntil(() => !draining(), DRAIN_WAIT_MS)))
		return await besideDrain(context, settings, run);

	const found = await peek({ ...run, departmentIds: settings.departmentIds, limit: MANUAL_LIMIT });
	if (found.items.length === 0 && found.error instanceof FeedBusy) {
		if (found.error.draining) return await besideDrain(context, settings, run);
		throw triggerReading(context.getNode(), feed);
	}
	if (found.items.length === 0 && isNotSubscribed(found.error)) {
		await handleNotSubscribed(
			context,
			settings,
			freshState(feed.id, settings.practiceId),
			Date.now(),
		);
		throw new NodeOperationError(
			context.getNode(),
			`The Athenahealth feed "${feed.name}" was not subscribed; it is now`,
			{
				description:
					'athena queues records from the moment a subscription takes effect, about 10 minutes from now (15 to 20 in preview). Fetch a test event again once something has changed in athena.',
			},
		);
	}
	if (found.items.length === 0 && found.error !== undefined)
		throw plainly(context.getNode(), feed, found.error);
	if (found.items.length > 0) return output(found.items, settings);

	let recent: IDataObject[];
	try {
		recent = await lookBack(run, settings, found.serverTime ?? Date.now());
	} catch (error) {
		throw plainly(context.getNode(), feed, error);
	}
	if (recent.length > 0) return output(recent, settings);
	throw new NodeOperationError(
		context.getNode(),
		`No records are waiting in the Athenahealth feed "${feed.name}", and athena delivered none in the last 24 hours`,
		{
			description:
				'Testing never removes records from the queue. Change something in athena that this feed reports (for the chosen departments), or wait for a change, then fetch a test event again. A feed subscribed in the last 10 minutes (15 to 20 in preview) may not queue records yet.',
		},
	);
}

/**
 * While the active trigger drains the feed: the records athena already delivered, read between
 * the drain's calls and within a short budget; the queue itself is not read.
 */
async function besideDrain(
	context: IPollFunctions,
	settings: TriggerSettings,
	run: RunOptions,
): Promise<INodeExecutionData[][]> {
	const deadline = Math.min(run.deadline ?? Infinity, Date.now() + BESIDE_DRAIN_BUDGET_MS);
	let recent: IDataObject[] = [];
	try {
		recent = await lookBack({ ...run, deadline }, settings, Date.now() + (run.clockOffsetMs ?? 0));
	} catch (error) {
		if (!(error instanceof FeedBusy) && !overlapRefused(error))
			throw plainly(context.getNode(), settings.feed, error);
	}
	if (recent.length > 0) return output(recent, settings);
	throw triggerReading(context.getNode(), settings.feed);
}

function triggerReading(node: INode, feed: FeedDefinition): NodeOperationError {
	return new NodeOperationError(
		node,
		`The active trigger is reading the Athenahealth feed "${feed.name}" right now`,
		{
			description:
				'Fetch Test Event does not read the queue while a trigger of this practice and feed drains it, so testing never competes with the workflow for its records. Try again in a minute, once that poll is done.',
		},
	);
}

/**
 * athena refusing a read because another read of the same departments is still being answered
 * (docs/athena-contract.md#unconfirmed: the sandbox answers 409). Here that other read is not in
 * this process: most likely the active trigger polling on another n8n instance.
 */
function overlapRefused(error: unknown): boolean {
	return (error as { httpCode?: string | null } | undefined)?.httpCode === '409';
}

/** A failure of the test's reads, said plainly where it is an overlap; otherwise as the request layer put it. */
function plainly(node: INode, feed: FeedDefinition, error: unknown): unknown {
	if (error instanceof FeedBusy) return triggerReading(node, feed);
	if (!overlapRefused(error)) return error;
	return new NodeOperationError(
		node,
		`athena is answering another read of the Athenahealth feed "${feed.name}" right now`,
		{
			description:
				'Most likely the active trigger of this practice and feed, polling in another n8n process (for example the main instance while manual executions run on workers). Testing removed nothing from the queue. Try again in a minute.',
		},
	);
}

/** The newest records athena already delivered, looking back an hour, then a day; one call at a time. */
async function lookBack(
	run: RunOptions,
	settings: TriggerSettings,
	now: number,
): Promise<IDataObject[]> {
	for (const span of LOOK_BACK_WINDOWS_MS) {
		const result = await replay({
			...run,
			departmentIds: settings.departmentIds,
			start: now - span,
			end: now + END_SLACK_MS,
			concurrency: 1,
			maxRecords: LOOK_BACK_MAX,
		});
		if (result.items.length > 0) return result.items.slice(-MANUAL_LIMIT);
		if (result.error !== undefined) throw result.error;
	}
	return [];
}

function output(items: IDataObject[], settings: TriggerSettings): INodeExecutionData[][] {
	return [items.map((json) => ({ json: pickFields(json, settings.fields) }))];
}
