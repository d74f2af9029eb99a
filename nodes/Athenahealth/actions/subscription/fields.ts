import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { z } from 'zod';

import { FEEDS, type FeedDefinition } from '../../feeds/catalog';
import { eventNameProblem, eventSchema, feedSchema } from '../../common/feedFields';
import { eventsAthenaLacks } from '../../common/subscriptionApi';

/** The fields the subscription operations share (the feed's own fields are in common/feedFields.ts). */

/** Subscription changes take about 10 minutes in production, 15-20 in preview (docs/athena-contract.md#subscriptions). */
export const takesEffectNotice: INodeProperties = {
	displayName:
		'Subscription changes take about 10 minutes to take effect in athena (15 to 20 minutes in the preview environment)',
	name: 'takesEffectNotice',
	type: 'notice',
	default: '',
};

export const scopeField: INodeProperties = {
	displayName: 'Events',
	name: 'scope',
	type: 'options',
	options: [
		{ name: 'All Events', value: 'all', description: 'Every event of the feed' },
		{
			name: 'One Event',
			value: 'one',
			description: 'A single event; repeat for each event wanted',
		},
	],
	default: 'all',
	description:
		'Whether the change covers every event of the feed or one event (athena takes one event per call)',
};

export const eventField: INodeProperties = {
	displayName: 'Event Name or ID',
	name: 'eventName',
	type: 'options',
	typeOptions: { loadOptionsMethod: 'getFeedEvents', loadOptionsDependsOn: ['feed'] },
	required: true,
	default: '',
	description:
		'The event, as athena names it for this feed. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
	displayOptions: { show: { scope: ['one'] } },
};

/**
 * The parameter of an optional event's switch: the feed's first keeps the name earlier versions
 * saved (`includeOptionalEvent`), so saved workflows keep their choice; others are named by flag.
 */
function switchName(feed: FeedDefinition, event: string): string {
	const optional = feed.optionalEvents ?? [];
	const index = optional.findIndex((entry) => entry.event === event);
	return index === 0 ? 'includeOptionalEvent' : optional[index].flag;
}

/**
 * One switch per optional event, shown only for its feed (`purpose` completes "Whether ..."); with `allScopeOnly`, only for an
 * all-events scope.
 */
export function optionalEventFields(
	allScopeOnly: boolean,
	purpose: (event: string) => string,
): INodeProperties[] {
	return FEEDS.flatMap((feed) =>
		(feed.optionalEvents ?? []).map(
			(optional): INodeProperties => ({
				displayName: `Include ${optional.event}`,
				name: switchName(feed, optional.event),
				type: 'boolean',
				default: false,
				description: `Whether ${purpose(optional.event)} (athena's ${optional.flag})`,
				displayOptions: {
					show: allScopeOnly ? { feed: [feed.id], scope: ['all'] } : { feed: [feed.id] },
				},
			}),
		),
	);
}

/** The optional events whose switch is on, for this feed. */
export function chosenOptionalEvents(
	context: IExecuteFunctions,
	itemIndex: number,
	feed: FeedDefinition,
): string[] {
	return (feed.optionalEvents ?? [])
		.filter(
			(optional) =>
				context.getNodeParameter(switchName(feed, optional.event), itemIndex, false) === true,
		)
		.map((optional) => optional.event);
}

/** The feed and, for one event, its name: what Subscribe and Unsubscribe share. */
export function readScope(context: IExecuteFunctions, itemIndex: number) {
	const scope = context.getNodeParameter('scope', itemIndex, 'all');
	return {
		feed: context.getNodeParameter('feed', itemIndex),
		scope,
		eventName: scope === 'one' ? context.getNodeParameter('eventName', itemIndex, '') : undefined,
	};
}

export const scopeShape = {
	feed: feedSchema,
	scope: z.enum(['all', 'one']),
	eventName: eventSchema.optional(),
};

/** The event of a one-event scope must be written as athena names it (see eventNameProblem). */
export function checkScopeEvent(
	input: { feed: FeedDefinition; eventName?: string },
	ctx: z.RefinementCtx,
): void {
	const problem =
		input.eventName === undefined ? undefined : eventNameProblem(input.feed, input.eventName);
	if (problem && !problem.unknown)
		ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['eventName'], message: problem.message });
}

/**
 * An event the catalog lacks is checked against athena's own list before the call: refused only
 * when athena does not offer it either (docs/athena-contract.md#unconfirmed).
 */
export async function checkEventWithAthena(
	context: IExecuteFunctions,
	itemIndex: number,
	feed: FeedDefinition,
	eventName: string | undefined,
): Promise<void> {
	if (eventName === undefined) return;
	const lacking = await eventsAthenaLacks.call(context, feed, [eventName], itemIndex);
	if (lacking.length === 0) return;
	const message = eventNameProblem(feed, eventName)?.message ?? 'is not an event of this feed';
	throw new NodeOperationError(
		context.getNode(),
		`Event Name or ID ${message} [item ${itemIndex}]`,
		{ itemIndex },
	);
}
