import type { IDataObject, IPollFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { z } from 'zod';

import { DEFAULT_MAX_RECORDS } from '../common/defaults';
import {
	departmentIdsSchema,
	departmentScopeProblem,
	eventNameProblem,
	eventSchema,
	feedSchema,
} from '../common/feedFields';
import { practiceIdOf, practiceOverride } from '../common/practice';
import { DEFAULT_QUOTA_RESERVE_PERCENT, readOptionQuery } from '../common/readOptions';
import { eventsAthenaLacks } from '../common/subscriptionApi';
import { describeIssues, fieldLabels, safeMessages, wholeNumber } from '../common/validation';
import { DEFAULT_CONCURRENCY, MAX_CONCURRENCY } from '../drain';
import type { FeedDefinition } from '../feeds/catalog';
import { CREDENTIAL_TYPE } from '../transport/request';
import { properties } from './description';

/**
 * Events must be written as athena names them: a wrong case is refused here. A name the catalog
 * lacks is checked against athena's own `/events` list afterwards (docs/athena-contract.md#unconfirmed).
 */
function checkEvents(feed: FeedDefinition, events: string[], ctx: z.RefinementCtx): void {
	events.forEach((event, index) => {
		const problem = eventNameProblem(feed, event);
		if (problem && !problem.unknown)
			ctx.addIssue({
				code: z.ZodIssueCode.custom,
				path: ['events', index],
				message: problem.message,
			});
	});
}

const schema = z
	.object({
		feed: feedSchema,
		events: z.array(eventSchema).max(100),
		departmentIds: departmentIdsSchema,
		options: z
			.object({
				autoSubscribe: z.boolean({ message: 'must be true or false' }).default(true),
				crashRecovery: z.boolean({ message: 'must be true or false' }).default(true),
				maxRecordsPerPoll: wholeNumber(1, 1_000_000).default(DEFAULT_MAX_RECORDS),
				// The editor offers 60 and up (athena: one read a minute); 0 stays valid for tests and saved workflows.
				minIntervalSeconds: wholeNumber(0, 86_400).default(60),
				parallelBatches: wholeNumber(1, MAX_CONCURRENCY).default(DEFAULT_CONCURRENCY),
				stopBelowQuota: z
					.number({ message: 'must be a number from 0 to 100' })
					.min(0)
					.max(100)
					.default(DEFAULT_QUOTA_RESERVE_PERCENT),
			})
			.passthrough(),
	})
	.superRefine((input, ctx) => {
		checkEvents(input.feed, input.events, ctx);
		// athena ignores departments on a feed that takes none: the trigger would drain the whole practice.
		const problem = departmentScopeProblem(input.feed, input.departmentIds, 'read');
		if (problem)
			ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['departmentIds'], message: problem });
	});

export interface TriggerSettings {
	feed: FeedDefinition;
	events: string[];
	departmentIds: number[];
	autoSubscribe: boolean;
	crashRecovery: boolean;
	maxRecordsPerPoll: number;
	parallelBatches: number;
	/** Percent of athena's daily quota a drain leaves untouched. */
	stopBelowQuotaPercent: number;
	minIntervalMs: number;
	/** The feed's own read options, as athena's query. */
	readQuery: IDataObject;
	/** Simplify: the fields each item keeps (the feed catalog's list); undefined for full records. */
	fields?: readonly string[];
	practiceId: number;
}

const labels = fieldLabels(properties);

/** The trigger's parameters, checked before any request; an error names the field, never the value. */
export async function readSettings(context: IPollFunctions): Promise<TriggerSettings> {
	const node = context.getNode();
	const parsed = schema.safeParse(
		{
			feed: context.getNodeParameter('feed'),
			events: context.getNodeParameter('events', []),
			departmentIds: context.getNodeParameter('departmentIds', []),
			options: context.getNodeParameter('options', {}),
		},
		{ errorMap: safeMessages },
	);
	if (!parsed.success)
		throw new NodeOperationError(node, describeIssues(parsed.error.issues, labels).join('; '));
	const { options, ...rest } = parsed.data;
	const { query, problem } = readOptionQuery(rest.feed, options as IDataObject);
	if (problem) throw new NodeOperationError(node, problem);
	const practiceId = practiceIdOf(
		node,
		await context.getCredentials(CREDENTIAL_TYPE),
		undefined,
		practiceOverride(context),
	);
	// Only names the catalog lacks cost a call: athena's own list decides them.
	const lacking = await eventsAthenaLacks.call(context, rest.feed, rest.events);
	if (lacking.length) {
		throw new NodeOperationError(
			node,
			`Event Names or IDs must be events athena offers for the feed "${rest.feed.name}"; it does not offer ${lacking.join(', ')}`,
		);
	}
	return {
		...rest,
		autoSubscribe: options.autoSubscribe,
		crashRecovery: options.crashRecovery,
		maxRecordsPerPoll: options.maxRecordsPerPoll,
		parallelBatches: options.parallelBatches,
		stopBelowQuotaPercent: options.stopBelowQuota,
		minIntervalMs: options.minIntervalSeconds * 1000,
		readQuery: query,
		practiceId,
		fields:
			context.getNodeParameter('simplify', false) === true ? rest.feed.simplifiedFields : undefined,
	};
}
