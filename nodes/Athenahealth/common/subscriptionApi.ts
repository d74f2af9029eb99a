import type { IDataObject } from 'n8n-workflow';

import {
	allEvents,
	optionalEventOf,
	subscriptionPath,
	takesDepartments,
	type FeedDefinition,
} from '../feeds/catalog';
import { athenaRequest, type AthenaContext } from '../transport/request';
import { eventNameProblem } from './feedFields';

/**
 * athena's subscription calls for one feed, shared by the Subscription operations and the trigger
 * (docs/athena-contract.md#subscriptions).
 */

export type SubscriptionStatus = 'ACTIVE' | 'PARTIAL' | 'INACTIVE' | 'UNKNOWN';

export interface SubscriptionState {
	status: SubscriptionStatus;
	events: string[];
	/** Departments the subscription is limited to; empty for the whole practice (`[]` or no key). */
	departmentIds: number[];
}

export interface SubscribeOptions {
	/** One event, or every event when omitted (athena: one event per call). */
	eventName?: string;
	/** Limit the subscription to these departments (athena wants the whole list every call). */
	departmentIds?: number[];
	/** Optional events (e.g. UpdateReminderCall) an all-events subscription includes: their flags are sent. */
	optionalEvents?: readonly string[];
	itemIndex?: number;
}

/**
 * The flags of these optional events, `true`, as athena's parameters. athena takes them on POST,
 * GET and DELETE of the subscription; `forEventsList` keeps those `/events` takes (claims).
 */
export function optionalFlags(
	feed: FeedDefinition,
	events: readonly string[],
	forEventsList = false,
): IDataObject {
	const flags: IDataObject = {};
	for (const name of events) {
		const optional = optionalEventOf(feed, name);
		if (optional && (!forEventsList || optional.onEventsList)) flags[optional.flag] = 'true';
	}
	return flags;
}

function readEventNames(body: IDataObject | undefined): string[] {
	const list = Array.isArray(body?.subscriptions) ? (body.subscriptions as IDataObject[]) : [];
	return list
		.map((entry) => (typeof entry?.eventname === 'string' ? entry.eventname : ''))
		.filter(Boolean);
}

function readStatus(value: unknown): SubscriptionStatus {
	const status = String(value ?? '').toUpperCase();
	return status === 'ACTIVE' || status === 'PARTIAL' || status === 'INACTIVE' ? status : 'UNKNOWN';
}

/** The events athena lists for the feed (asking for every optional one), possibly none. */
export async function listAvailableEvents(
	this: AthenaContext,
	feed: FeedDefinition,
	itemIndex?: number,
): Promise<string[]> {
	const qs = optionalFlags(feed, allEvents(feed), true);
	const { body } = await athenaRequest.call(this, {
		method: 'GET',
		path: `${subscriptionPath(feed)}/events`,
		qs,
		itemIndex,
	});
	return readEventNames(body);
}

/** Event names athena offers for the feed; the catalog's names when athena lists none. */
export async function getAvailableEvents(
	this: AthenaContext,
	feed: FeedDefinition,
	itemIndex?: number,
) {
	const names = await listAvailableEvents.call(this, feed, itemIndex);
	return names.length > 0 ? names : allEvents(feed);
}

/**
 * Of `names` on a feed whose event names are unconfirmed, those neither the catalog nor athena's
 * `/events` list knows: athena's list is the truth at run time, so an event it offers is never
 * refused (docs/athena-contract.md#unconfirmed). When athena lists nothing, or the list fails,
 * nothing is refused: the names stay hints.
 */
export async function eventsAthenaLacks(
	this: AthenaContext,
	feed: FeedDefinition,
	names: readonly string[],
	itemIndex?: number,
): Promise<string[]> {
	const unknown = names.filter((name) => eventNameProblem(feed, name)?.unknown);
	if (unknown.length === 0) return [];
	let offered: string[] = [];
	try {
		offered = await listAvailableEvents.call(this, feed, itemIndex);
	} catch {
		return [];
	}
	if (offered.length === 0) return [];
	return unknown.filter((name) => !offered.includes(name));
}

/** `GET {sub}`, with the flags of the optional events the subscription was made with. */
export async function getSubscription(
	this: AthenaContext,
	feed: FeedDefinition,
	itemIndex?: number,
	optionalEvents: readonly string[] = [],
): Promise<SubscriptionState> {
	const qs = optionalFlags(feed, optionalEvents);
	const { body } = await athenaRequest.call(this, {
		method: 'GET',
		path: subscriptionPath(feed),
		qs,
		itemIndex,
	});
	const departments = Array.isArray(body.departmentids) ? (body.departmentids as unknown[]) : [];
	return {
		status: readStatus(body.status),
		events: readEventNames(body),
		departmentIds: departments.map(Number).filter((id) => Number.isInteger(id) && id > 0),
	};
}

/**
 * `POST {sub}`. `departmentids` goes only to feeds that take it (elsewhere athena would ignore it
 * and subscribe the whole practice; callers refuse such input before this).
 */
export async function subscribe(
	this: AthenaContext,
	feed: FeedDefinition,
	options: SubscribeOptions = {},
) {
	const body: IDataObject = {};
	if (options.eventName) body.eventname = options.eventName;
	if (options.departmentIds?.length && takesDepartments(feed, 'subscribe'))
		body.departmentids = options.departmentIds;
	// The optional event alone may need its flag as well (unconfirmed); sending it is harmless.
	const optional = options.eventName ? [options.eventName] : (options.optionalEvents ?? []);
	Object.assign(body, optionalFlags(feed, optional));
	await athenaRequest.call(this, {
		method: 'POST',
		path: subscriptionPath(feed),
		body,
		idempotent: true,
		itemIndex: options.itemIndex,
	});
}

/**
 * `DELETE {sub}`: everything, or the one event. Removing everything sends every optional flag, so
 * the optional events go too; removing an optional event sends its flag (both in the query).
 */
export async function unsubscribe(
	this: AthenaContext,
	feed: FeedDefinition,
	eventName?: string,
	itemIndex?: number,
) {
	const body: IDataObject = { ...optionalFlags(feed, eventName ? [eventName] : allEvents(feed)) };
	if (eventName) body.eventname = eventName;
	await athenaRequest.call(this, {
		method: 'DELETE',
		path: subscriptionPath(feed),
		body: Object.keys(body).length ? body : undefined,
		itemIndex,
	});
}
