import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { z } from 'zod';

import { FEEDS, allEvents, feedOptions, getFeed, type FeedDefinition } from '../../feeds/catalog';
import { idList } from '../validation';

/** The subscription fields the operations share, read from the feed catalog. */

export const feedField: INodeProperties = {
	displayName: 'Feed',
	name: 'feed',
	type: 'options',
	options: feedOptions(),
	required: true,
	default: 'appointments',
	description: 'The changed-data feed (athena: ambulatory and inpatient)',
};

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

/** athena's event names are identifiers such as ScheduleAppointment. */
const EVENT_NAME = /^[A-Za-z][A-Za-z0-9_]{0,99}$/;

export const feedSchema = z
	.string()
	.refine((id) => FEEDS.some((feed) => feed.id === id), 'must be one of the feeds offered in the list')
	.transform((id): FeedDefinition => getFeed(id));

export const eventSchema = z
	.string()
	.min(1, 'is required')
	.refine((name) => EVENT_NAME.test(name), 'must be an athena event name: letters and digits, such as ScheduleAppointment');

/**
 * What is wrong with an event name for this feed, if anything. athena's event names are
 * case-sensitive, so a name in another case is refused everywhere; a name unknown to the catalog
 * is refused only on feeds whose event list is confirmed (elsewhere athena's own list decides).
 */
export function eventNameProblem(feed: FeedDefinition, name: string): string | undefined {
	const known = allEvents(feed);
	if (known.includes(name)) return undefined;
	const meant = known.find((event) => event.toLowerCase() === name.toLowerCase());
	if (meant) return `must be written as athena names it: ${meant}`;
	return feed.confirmed ? `must be one of the feed's events: ${known.join(', ')}` : undefined;
}

/** Large practices have hundreds of departments; athena wants the whole list on every call. */
export const departmentIdsSchema = idList(1000);

/** The department picker of Subscribe, Changed Data and the trigger: `purpose` says what the list does there. */
export function departmentIdsField(purpose: string): INodeProperties {
	return {
		displayName: 'Department Names or IDs',
		name: 'departmentIds',
		type: 'multiOptions',
		typeOptions: { loadOptionsMethod: 'getDepartments' },
		default: [],
		description: `${purpose} Choose from the list, or specify IDs using an <a href="https://docs.n8n.io/code/expressions/">expression</a>`,
	};
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

/** The event of a one-event scope must be the feed's (see eventNameProblem). */
export function checkScopeEvent(input: { feed: FeedDefinition; eventName?: string }, ctx: z.RefinementCtx): void {
	const problem = input.eventName === undefined ? undefined : eventNameProblem(input.feed, input.eventName);
	if (problem) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['eventName'], message: problem });
}
