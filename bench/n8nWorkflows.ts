import { fastPollTimes } from '../test/e2e/realN8n';
import {
	chain,
	httpRequestNode,
	noOpNode,
	triggerNode,
	type CredentialRef,
	type WorkflowNode,
} from '../test/e2e/workflows';
import { changedPath, type FeedDefinition } from '../nodes/Athenahealth/feeds/catalog';

export const TRIGGER_NAME = 'athenahealth Trigger';
export const SPLIT_NAME = 'Split Out';

/**
 * Ours: the athenahealth Trigger with its defaults (Parallel Batches 5, Max Records per Poll 10,000
 * unless given, crash recovery, auto-subscribe) on a tick every `pollEverySec` seconds (custom cron
 * pollTimes at second 0, so the benchmark can time its injection; every minute is the default
 * schedule). Below a minute, `minIntervalSeconds: 0` lets every tick drain (the e2e suite's knob:
 * athena's one drain a minute, time-compressed).
 */
export function oursWorkflow(
	feed: FeedDefinition,
	departments: number,
	pollEverySec: number,
	credential: CredentialRef,
	maxRecordsPerPoll?: number,
) {
	return chain('bench: athenahealth Trigger', [
		triggerNode(
			TRIGGER_NAME,
			{
				pollTimes: fastPollTimes(pollEverySec),
				feed: feed.id,
				events: [],
				departmentIds: Array.from({ length: departments }, (_, index) => String(index + 1)),
				options: {
					...(pollEverySec < 60 && { minIntervalSeconds: 0 }),
					...(maxRecordsPerPoll !== undefined && { maxRecordsPerPoll }),
				},
			},
			credential,
		),
		noOpNode('Received'),
	]);
}

/**
 * What a user builds by hand today: a Schedule Trigger every `everySec` seconds (n8n's shortest is 1),
 * an HTTP Request with this package's credential as a predefined credential type, reading the whole
 * practice with `limit=1000` and "Response Contains Next URL" pagination (athena's `next` is a path,
 * so the expression puts the base URL in front), then a Split Out of the records.
 */
export function handBuiltWorkflow(
	feed: FeedDefinition,
	baseUrl: string,
	practiceId: string,
	everySec: number,
	credential: CredentialRef,
) {
	const schedule: WorkflowNode = {
		...noOpNode('Schedule Trigger'),
		type: 'n8n-nodes-base.scheduleTrigger',
		typeVersion: 1.2,
		// Every minute as a cron at second 0 (the "Minutes" interval fires at a second derived from the
		// node's id): the same schedule, with ticks the benchmark can time its injection against.
		parameters: {
			rule: {
				interval: [
					everySec < 60
						? { field: 'seconds', secondsInterval: everySec }
						: { field: 'cronExpression', expression: `0 */${everySec / 60} * * * *` },
				],
			},
		},
	};
	const http = httpRequestNode(
		'HTTP Request',
		`${baseUrl}/v1/${practiceId}/${changedPath(feed)}?limit=1000`,
		credential,
	);
	http.parameters.options = {
		pagination: {
			pagination: {
				paginationMode: 'responseContainsNextURL',
				nextURL: `={{ ${JSON.stringify(baseUrl)} + $response.body.next }}`,
				paginationCompleteWhen: 'other',
				completeExpression: '={{ !$response.body.next }}',
			},
		},
	};
	const split: WorkflowNode = {
		...noOpNode(SPLIT_NAME),
		type: 'n8n-nodes-base.splitOut',
		typeVersion: 1,
		parameters: { fieldToSplitOut: feed.recordKey, include: 'noOtherFields', options: {} },
	};
	return chain('bench: hand-built Schedule + HTTP Request', [schedule, http, split]);
}
