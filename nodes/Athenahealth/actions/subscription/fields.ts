import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { z } from 'zod';

import { FEEDS, type FeedDefinition } from '../../feeds/catalog';
import { eventNameProblem, eventSchema, feedSchema } from '../../common/feedFields';

/** The fields the subscription operations share (the feed's own fields are in common/feedFields.ts). */

/** seeds/003: subscription changes take about 10 minutes in production, 15-20 in preview. */
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
		{ name: 'One Event', value: 'one', description: 'A single event; repeat for each event wanted' },
	],
	default: 'all',
	description: 'Whether the change covers every event of the feed or one event (athena takes one event per call)',
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

/** Feeds with an optional event, each with its own switch (only shown for that feed). */
export const optionalEventFields: INodeProperties[] = FEEDS.flatMap(({ id, optionalEvent }) =>
	optionalEvent
		? [
				{
					displayName: `Include ${optionalEvent.event}`,
					name: 'includeOptionalEvent',
					type: 'boolean' as const,
					default: false,
					description: `Whether an all-events subscription also covers ${optionalEvent.event}, which athena leaves out unless asked (${optionalEvent.flag})`,
					displayOptions: { show: { feed: [id], scope: ['all'] } },
				},
			]
		: [],
);



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

/** The event of a one-event scope must be the feed's (see eventNameProblem). */
export function checkScopeEvent(input: { feed: FeedDefinition; eventName?: string }, ctx: z.RefinementCtx): void {
	const problem = input.eventName === undefined ? undefined : eventNameProblem(input.feed, input.eventName);
	if (problem) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['eventName'], message: problem });
}
