import type { INodeProperties } from 'n8n-workflow';
import { z } from 'zod';

import {
	FEEDS,
	allEvents,
	feedOptions,
	getFeed,
	takesDepartments,
	type FeedDefinition,
} from '../feeds/catalog';
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
	.refine(
		(id) => FEEDS.some((feed) => feed.id === id),
		'must be one of the feeds offered in the list',
	)
	.transform((id): FeedDefinition => getFeed(id));

export const eventSchema = z
	.string()
	.min(1, 'is required')
	.refine(
		(name) => EVENT_NAME.test(name),
		'must be an athena event name: letters and digits, such as ScheduleAppointment',
	);

/**
 * What is wrong with an event name for this feed, if anything. athena's event names are
 * case-sensitive, so a name in another case is refused everywhere. On a feed whose names are
 * confirmed the catalog lists them all; on the others athena's own `/events` list is the truth, so
 * a name the catalog lacks is `unknown`: the caller asks athena and never refuses a name it offers
 * (docs/athena-contract.md#unconfirmed).
 */
export function eventNameProblem(
	feed: FeedDefinition,
	name: string,
): { message: string; unknown?: true } | undefined {
	const known = allEvents(feed);
	if (known.includes(name)) return undefined;
	const meant = known.find((event) => event.toLowerCase() === name.toLowerCase());
	if (meant) return { message: `must be written as athena names it: ${meant}` };
	const message = `must be one of the feed's events: ${known.join(', ')}`;
	return feed.confirmed ? { message } : { message, unknown: true };
}

/** Large practices have hundreds of departments; athena wants the whole list on every call. */
export const departmentIdsSchema = idList(1000);

export type DepartmentUse = 'subscribe' | 'read';

/**
 * Why departments cannot be given for this feed and use, if so. Where a feed does not take them
 * athena ignores the parameter and answers for the whole practice: a "scoped" read would drain,
 * and remove, every department's records (docs/athena-contract.md#what-athena-ignores).
 */
export function departmentScopeProblem(
	feed: FeedDefinition,
	departmentIds: readonly number[],
	use: DepartmentUse,
): string | undefined {
	if (departmentIds.length === 0) return undefined;
	if (!takesDepartments(feed, use)) {
		const effect =
			use === 'read'
				? 'read (and remove) the records of every department'
				: 'subscribe the whole practice';
		return `must be empty for the feed "${feed.name}": athena takes no department there and would ${effect}`;
	}
	if (use === 'read' && feed.departments.read === 'single' && departmentIds.length > 1) {
		return `must hold one department for the feed "${feed.name}" (athena reads one department per call there)`;
	}
	return undefined;
}

/** Feeds whose department field a use shows. */
export function feedsTakingDepartments(use: DepartmentUse): string[] {
	return FEEDS.filter((feed) => takesDepartments(feed, use)).map((feed) => feed.id);
}

/**
 * The department picker of Subscribe, Changed Data and the trigger: `purpose` says what the list
 * does there; shown only for the feeds that honour departments for `use`.
 */
export function departmentIdsField(purpose: string, use: DepartmentUse): INodeProperties {
	return {
		displayName: 'Department Names or IDs',
		name: 'departmentIds',
		type: 'multiOptions',
		typeOptions: { loadOptionsMethod: 'getDepartments' },
		default: [],
		description: `${purpose} Choose from the list, or specify IDs using an <a href="https://docs.n8n.io/code/expressions/">expression</a>`,
		displayOptions: { show: { feed: feedsTakingDepartments(use) } },
	};
}
