import type { INodeExecutionData, IPollFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { athenaFeedIo } from '../common/changedFeed';
import { makeTransform } from '../common/records';
import { peek } from '../drain';
import type { TriggerSettings } from './settings';
import { freshState } from './state';
import { handleNotSubscribed, isNotSubscribed } from './subscription';

/** Records a test run shows at most: enough to build the workflow on. */
export const MANUAL_LIMIT = 5;
const MANUAL_BUDGET_MS = 60_000;

/**
 * "Fetch Test Event": reads with leaveunprocessed=true so testing never consumes the queue, and
 * saves nothing (n8n never saves static data in manual mode). An empty queue is an error that says
 * so, as n8n's own polling triggers do.
 */
export async function manualPoll(context: IPollFunctions, settings: TriggerSettings): Promise<INodeExecutionData[][]> {
	const { feed } = settings;
	const found = await peek({
		...athenaFeedIo(context, feed, settings.readQuery),
		transform: makeTransform({ feed: feed.id, practiceId: settings.practiceId, keepEvents: settings.events }),
		deadline: Date.now() + MANUAL_BUDGET_MS,
		departmentIds: settings.departmentIds,
		limit: MANUAL_LIMIT,
	});
	if (found.items.length === 0 && isNotSubscribed(found.error)) {
		await handleNotSubscribed(context, settings, freshState(feed.id), Date.now());
		throw new NodeOperationError(context.getNode(), `The Athenahealth feed "${feed.name}" was not subscribed; it is now`, {
			description:
				'athena queues records from the moment a subscription takes effect, about 10 minutes from now (15 to 20 in preview). Fetch a test event again once something has changed in athena.',
		});
	}
	if (found.items.length === 0 && found.error !== undefined) throw found.error;
	if (found.items.length === 0) {
		throw new NodeOperationError(context.getNode(), `No records are waiting in the Athenahealth feed "${feed.name}"`, {
			description:
				'The test reads with athena\'s leaveunprocessed flag, so it never removes records from the queue. Change something in athena that this feed reports (for the chosen departments), or wait for a change, then fetch a test event again.',
		});
	}
	return [found.items.map((json) => ({ json }))];
}
