import type { IDataObject, IPollFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { z } from 'zod';

import { DEFAULT_MAX_RECORDS } from '../common/defaults';
import { departmentIdsSchema, eventNameProblem, eventSchema, feedSchema } from '../common/feedFields';
import { practiceIdOf } from '../common/practice';
import { readOptionQuery } from '../common/readOptions';
import { describeIssues, fieldLabels, safeMessages, wholeNumber } from '../common/validation';
import { DEFAULT_CONCURRENCY, MAX_CONCURRENCY } from '../drain';
import type { FeedDefinition } from '../feeds/catalog';
import { CREDENTIAL_TYPE } from '../transport/request';
import { properties } from './description';

/**
 * Events must be written as athena names them. The catalog lists every event of the feeds whose
 * names are confirmed; for the others (docs/athena-contract.md#unconfirmed) athena's own list may
 * hold names the catalog lacks, so only a wrong case is refused there.
 */
function checkEvents(feed: FeedDefinition, events: string[], ctx: z.RefinementCtx): void {
	events.forEach((event, index) => {
		const problem = eventNameProblem(feed, event);
		if (problem) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['events', index], message: problem });
	});
}

const schema = z.object({
	feed: feedSchema,
	events: z.array(eventSchema).max(100),
	departmentIds: departmentIdsSchema,
	options: z.object({
		autoSubscribe: z.boolean({ message: 'must be true or false' }).default(true),
		crashRecovery: z.boolean({ message: 'must be true or false' }).default(true),
		maxRecordsPerPoll: wholeNumber(1, 1_000_000).default(DEFAULT_MAX_RECORDS),
		minIntervalSeconds: wholeNumber(0, 86_400).default(60),
		parallelBatches: wholeNumber(1, MAX_CONCURRENCY).default(DEFAULT_CONCURRENCY),
	}).passthrough(),
}).superRefine((input, ctx) => checkEvents(input.feed, input.events, ctx));

export interface TriggerSettings {
	feed: FeedDefinition;
	events: string[];
	departmentIds: number[];
	autoSubscribe: boolean;
	crashRecovery: boolean;
	maxRecordsPerPoll: number;
	parallelBatches: number;
	minIntervalMs: number;
	/** The feed's own read options, as athena's query. */
	readQuery: IDataObject;
	practiceId: number;
}

const labels = fieldLabels(properties);

/** The trigger's parameters, checked before any request; an error names the field, never the value. */
export async function readSettings(context: IPollFunctions): Promise<TriggerSettings> {
	const node = context.getNode();
	const parsed = schema.safeParse({
		feed: context.getNodeParameter('feed'),
		events: context.getNodeParameter('events', []),
		departmentIds: context.getNodeParameter('departmentIds', []),
		options: context.getNodeParameter('options', {}),
	}, { errorMap: safeMessages });
	if (!parsed.success) throw new NodeOperationError(node, describeIssues(parsed.error.issues, labels).join('; '));
	const { options, ...rest } = parsed.data;
	const { query, problem } = readOptionQuery(rest.feed, options as IDataObject);
	if (problem) throw new NodeOperationError(node, problem);
	const practiceId = practiceIdOf(node, await context.getCredentials(CREDENTIAL_TYPE));
	return {
		...rest,
		autoSubscribe: options.autoSubscribe,
		crashRecovery: options.crashRecovery,
		maxRecordsPerPoll: options.maxRecordsPerPoll,
		parallelBatches: options.parallelBatches,
		minIntervalMs: options.minIntervalSeconds * 1000,
		readQuery: query,
		practiceId,
	};
}
