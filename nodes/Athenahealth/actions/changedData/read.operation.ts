import { DateTime } from 'luxon';
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';
import { z } from 'zod';

import { athenaFeedIo } from '../../common/changedFeed';
import { actionFetch, feedKey } from '../../common/feedReads';
import { DEFAULT_MAX_RECORDS } from '../../common/defaults';
import {
	departmentIdsField,
	departmentIdsSchema,
	departmentScopeProblem,
	feedField,
	feedSchema,
} from '../../common/feedFields';
import { practiceIdOf, practiceOverride } from '../../common/practice';
import {
	DEFAULT_QUOTA_RESERVE_PERCENT,
	feedOptionsCollection,
	readOptionQuery,
} from '../../common/readOptions';
import { keptFields, outputFields, pickFields } from '../../common/output';
import { makeTransform } from '../../common/records';
import { fieldLabels, parseItem, wholeNumber } from '../../common/validation';
import { DEFAULT_CONCURRENCY, MAX_CONCURRENCY, drain, peek, replay } from '../../drain';
import { CREDENTIAL_TYPE } from '../../transport/request';

const DAY_MS = 24 * 3_600_000;
const fromQueue = { source: ['queue'] };
const once = { source: ['queue'], drainUntilEmpty: [false] };

const properties: INodeProperties[] = [
	{
		displayName:
			'Reading from the queue removes the records from athena: if this workflow fails afterwards they are gone. For automations, the Athenahealth Trigger drains feeds without losing records.',
		name: 'queueNotice',
		type: 'notice',
		default: '',
		displayOptions: { show: fromQueue },
	},
	feedField,
	{
		displayName: 'Read',
		name: 'source',
		type: 'options',
		options: [
			{
				name: 'New Records (Queue)',
				value: 'queue',
				description: 'Records waiting in the feed; athena removes what it returns',
			},
			{
				name: 'Already Processed Records',
				value: 'processed',
				description:
					'Records athena already returned within a time window; reading them again removes nothing',
			},
		],
		default: 'queue',
		description: 'Whether to read waiting records or read again those processed in a time window',
	},
	{
		displayName: 'Drain Until Empty',
		name: 'drainUntilEmpty',
		type: 'boolean',
		default: false,
		description:
			'Whether to keep reading until athena returns a short page, rather than one call per 20 departments',
		displayOptions: { show: fromQueue },
	},
	{
		displayName: 'Limit',
		name: 'limit',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: 1000 },
		default: 50,
		description: 'Max number of results to return',
		displayOptions: { show: once },
	},
	{
		displayName: 'Leave Unprocessed',
		name: 'leaveUnprocessed',
		type: 'boolean',
		default: false,
		description:
			"Whether to read without removing the records from the queue (athena's debugging flag)",
		displayOptions: { show: once },
	},
	// Shown when draining or reading a window: one field, declared for each case.
	...[{ source: ['queue'], drainUntilEmpty: [true] }, { source: ['processed'] }].map(
		(show): INodeProperties => ({
			displayName: 'Max Records',
			name: 'maxRecords',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: DEFAULT_MAX_RECORDS,
			description: 'Records to read at most; the rest stays in athena',
			displayOptions: { show },
		}),
	),
	{
		displayName: 'Processed From',
		name: 'processedStart',
		type: 'dateTime',
		required: true,
		default: '',
		description:
			"Start of the window, in the workflow's time zone (sent to athena in US Eastern time)",
		displayOptions: { show: { source: ['processed'] } },
	},
	{
		displayName: 'Processed To',
		name: 'processedEnd',
		type: 'dateTime',
		required: true,
		default: '',
		description: 'End of the window (at most 24 hours after its start: athena keeps records a day)',
		displayOptions: { show: { source: ['processed'] } },
	},
	departmentIdsField(
		'Departments to read, 20 per call; leave empty for the whole practice.',
		'read',
	),
	feedOptionsCollection(),
	...outputFields('record'),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['changedData'], operation: ['read'] } },
	properties,
);

const labels = fieldLabels(properties);

/** A date and time from n8n's picker (ISO text, in the workflow's zone unless it names one) or an expression. */
function instant(zone: string) {
	return z.unknown().transform((value, ctx) => {
		const parsed =
			typeof value === 'string' && value.trim() !== ''
				? DateTime.fromISO(value.trim(), { zone })
				: value instanceof Date
					? DateTime.fromJSDate(value)
					: DateTime.isDateTime(value)
						? value
						: undefined;
		if (!parsed?.isValid) {
			ctx.addIssue({
				code: z.ZodIssueCode.custom,
				message: 'must be a date and time, such as 2025-01-15T10:00:00',
			});
			return z.NEVER;
		}
		return parsed.toMillis();
	});
}

const schema = z
	.object({
		feed: feedSchema,
		source: z.enum(['queue', 'processed']),
		drainUntilEmpty: z.boolean(),
		limit: wholeNumber(1, 1000),
		leaveUnprocessed: z.boolean(),
		maxRecords: wholeNumber(1, 1_000_000),
		departmentIds: departmentIdsSchema,
		parallelBatches: wholeNumber(1, MAX_CONCURRENCY),
		stopBelowQuota: z.number({ message: 'must be a number from 0 to 100' }).min(0).max(100),
	})
	.superRefine((input, ctx) => {
		// athena ignores departments on a feed that takes none: the read would drain the whole practice.
		const problem = departmentScopeProblem(input.feed, input.departmentIds, 'read');
		if (problem)
			ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['departmentIds'], message: problem });
	});

function windowSchema(zone: string) {
	return z
		.object({ processedStart: instant(zone), processedEnd: instant(zone) })
		.refine(({ processedStart, processedEnd }) => processedEnd >= processedStart, {
			path: ['processedEnd'],
			message: 'must not be before Processed From',
		})
		.refine(({ processedStart, processedEnd }) => processedEnd - processedStart <= DAY_MS, {
			path: ['processedEnd'],
			message: 'must be at most 24 hours after Processed From',
		});
}

/**
 * Reads a changed-data feed once, until empty, or again within a processed window, through the
 * trigger's drain: department batches of 20, never two calls for one department, nothing fetched
 * left out. One output record per changed record, with the `_athena` metadata.
 */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject[]> {
	const get = (name: string, fallback: unknown) => this.getNodeParameter(name, itemIndex, fallback);
	const options = get('options', {}) as IDataObject;
	const raw = {
		feed: get('feed', ''),
		source: get('source', 'queue'),
		drainUntilEmpty: get('drainUntilEmpty', false),
		limit: get('limit', 50),
		leaveUnprocessed: get('leaveUnprocessed', false),
		maxRecords: get('maxRecords', DEFAULT_MAX_RECORDS),
		departmentIds: get('departmentIds', []),
		parallelBatches: options.parallelBatches ?? DEFAULT_CONCURRENCY,
		stopBelowQuota: options.stopBelowQuota ?? DEFAULT_QUOTA_RESERVE_PERCENT,
	};
	const input = parseItem(this, itemIndex, schema, raw, labels);
	const window =
		input.source === 'processed'
			? parseItem(
					this,
					itemIndex,
					windowSchema(this.getTimezone()),
					{ processedStart: get('processedStart', ''), processedEnd: get('processedEnd', '') },
					labels,
				)
			: undefined;
	const { query, problem } = readOptionQuery(input.feed, options);
	if (problem)
		throw new NodeOperationError(this.getNode(), `${problem} [item ${itemIndex}]`, { itemIndex });

	const credentials = await this.getCredentials(CREDENTIAL_TYPE, itemIndex);
	const practiceId = practiceIdOf(
		this.getNode(),
		credentials,
		itemIndex,
		practiceOverride(this, itemIndex),
	);
	const io = athenaFeedIo(this, input.feed, query, itemIndex);
	const run = {
		...io,
		// Takes turns with an active trigger or Fetch Test Event reading the same departments in this n8n.
		fetchPage: actionFetch(io.fetchPage, feedKey(practiceId, input.feed.id)),
		transform: makeTransform({ feed: input.feed.id, practiceId }),
		stopBelowQuotaPercent: input.stopBelowQuota,
	};
	const scope = { departmentIds: input.departmentIds, concurrency: input.parallelBatches };
	const result = window
		? await replay({
				...run,
				...scope,
				start: window.processedStart,
				end: window.processedEnd,
				maxRecords: input.maxRecords,
			})
		: input.leaveUnprocessed && !input.drainUntilEmpty
			? await peek({ ...run, departmentIds: input.departmentIds, limit: input.limit })
			: await drain({
					...run,
					...scope,
					feed: input.feed,
					maxRecords: input.drainUntilEmpty ? input.maxRecords : input.limit,
					maxPagesPerBatch: input.drainUntilEmpty ? undefined : 1,
				});
	const { quota } = result as { quota?: { limit: number; remaining: number } };
	if (quota) {
		const stopped = 'stoppedBy' in result && result.stoppedBy === 'quota';
		this.addExecutionHints({
			message: stopped
				? `Stopped below the daily quota reserve: athena allows ${quota.remaining} more requests of ${quota.limit} today (until midnight GMT); the rest stays queued`
				: `athena's daily quota: ${quota.remaining} of ${quota.limit} requests left (resets at midnight GMT)`,
			type: stopped ? 'warning' : 'info',
			location: 'outputPane',
		});
		if (stopped) {
			this.logger.info(
				`athenahealth Changed Data read of "${input.feed.id}" stopped below the quota reserve (${quota.remaining} of ${quota.limit} requests left today); the rest stays queued`,
			);
		}
	}
	// Simplify (or an agent's Output) narrows the items once read: the drain fingerprints full records.
	const fields = keptFields(this, itemIndex, input.feed.simplifiedFields, [input.feed.idField]);
	const items = fields ? result.items.map((record) => pickFields(record, fields)) : result.items;
	// Why a read stopped early (a replay's budget, athena repeating a page): said in n8n's log.
	for (const note of 'notes' in result ? result.notes : [])
		this.logger.info(`athenahealth Changed Data: ${note}`);
	if (result.error === undefined) return items;
	if (result.items.length === 0) throw result.error;
	// The records are already gone from athena's queue: hand them on and say what failed.
	const failure = result.error as Error;
	this.addExecutionHints({
		message: `athena stopped answering after ${result.items.length} records were read (${failure.message}); they are in the output and the rest stays queued`,
		type: 'warning',
		location: 'outputPane',
	});
	return items;
}
