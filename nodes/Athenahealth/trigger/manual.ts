import type { IDataObject, INodeExecutionData, IPollFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { athenaFeedIo } from '../common/changedFeed';
import { pickFields } from '../common/output';
import { makeTransform } from '../common/records';
import { peek, replay, type RunOptions } from '../drain';
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

/**
 * "Fetch Test Event" never consumes the queue and saves nothing (n8n never saves static data in
 * manual mode). It shows records waiting in the queue, read with athena's leaveunprocessed flag;
 * when none wait, the most recent records athena already delivered, read again from its processed
 * window (which removes nothing), marked `_athena.replayed: true`. Only when both are empty does it
 * say so, naming the feed and what to do.
 */
export async function manualPoll(context: IPollFunctions, settings: TriggerSettings): Promise<INodeExecutionData[][]> {
	const { feed } = settings;
	const run: RunOptions = {
		...athenaFeedIo(context, feed, settings.readQuery),
		transform: makeTransform({ feed: feed.id, practiceId: settings.practiceId, keepEvents: settings.events }),
		deadline: Date.now() + MANUAL_BUDGET_MS,
	};
	const found = await peek({ ...run, departmentIds: settings.departmentIds, limit: MANUAL_LIMIT });
	if (found.items.length === 0 && isNotSubscribed(found.error)) {
		await handleNotSubscribed(context, settings, freshState(feed.id, settings.practiceId), Date.now());
		throw new NodeOperationError(context.getNode(), `The Athenahealth feed "${feed.name}" was not subscribed; it is now`, {
			description:
				'athena queues records from the moment a subscription takes effect, about 10 minutes from now (15 to 20 in preview). Fetch a test event again once something has changed in athena.',
		});
	}
	if (found.items.length === 0 && found.error !== undefined) throw found.error;
	if (found.items.length > 0) return output(found.items, settings);

	const recent = await lookBack(run, settings, found.serverTime ?? Date.now());
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

/** The newest records athena already delivered, looking back an hour, then a day; one call at a time. */
async function lookBack(run: RunOptions, settings: TriggerSettings, now: number): Promise<IDataObject[]> {
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
