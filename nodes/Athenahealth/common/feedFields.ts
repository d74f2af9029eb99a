import type { INodeProperties } from 'n8n-workflow';
import { z } from 'zod';

import { FEEDS, allEvents, feedOptions, getFeed, type FeedDefinition } from '../feeds/catalog';
import { idList } from './validation';

/** The feed, event and department fields both nodes show, and their checks, read from the feed catalog. */

export const feedField: INodeProperties = {
	displayName: 'Feed',
	name: 'feed',
	type: 'options',
	options: feedOptions(),
	required: true,
	default: 'appointments',
	description: 'The changed-data feed (athena: ambulatory and inpatient)',
};

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
