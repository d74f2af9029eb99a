import type { IDataObject } from 'n8n-workflow';

import { allEvents, subscriptionPath, type FeedDefinition } from '../feeds/catalog';
import { athenaRequest, type AthenaContext } from '../transport/request';

/** athena's subscription calls for one feed, shared by the Subscription operations and the trigger. */

export type SubscriptionStatus = 'ACTIVE' | 'PARTIAL' | 'INACTIVE' | 'UNKNOWN';

export interface SubscriptionState {
	status: SubscriptionStatus;
	events: string[];
	/** Departments the subscription is limited to; empty for the whole practice. */
	departmentIds: number[];
}

export interface SubscribeOptions {
	/** One event, or every event when omitted (athena: one event per call). */
	eventName?: string;
	/** Limit the subscription to these departments (athena wants the whole list every call). */
	departmentIds?: number[];
	/** Include the feed's optional event (UpdateReminderCall, CreateClaim) in an all-events subscription. */
	includeOptionalEvent?: boolean;
	itemIndex?: number;
}

function readEventNames(body: IDataObject | undefined): string[] {
	const list = (body?.subscriptions ?? []) as IDataObject[];
	return list.map((entry) => String(entry.eventname)).filter((name) => name && name !== 'undefined');
}

function readStatus(value: unknown): SubscriptionStatus {
	const status = String(value ?? '').toUpperCase();
	return status === 'ACTIVE' || status === 'PARTIAL' || status === 'INACTIVE' ? status : 'UNKNOWN';
}

/** Event names athena offers for the feed; the catalog's names when athena lists none. */
export async function getAvailableEvents(this: AthenaContext, feed: FeedDefinition, itemIndex?: number) {
	const { body } = await athenaRequest.call(this, { method: 'GET', path: `${subscriptionPath(feed)}/events`, itemIndex });
	const names = readEventNames(body);
	return names.length > 0 ? names : allEvents(feed);
}

export async function getSubscription(
	this: AthenaContext,
	feed: FeedDefinition,
	itemIndex?: number,
): Promise<SubscriptionState> {
	const { body } = await athenaRequest.call(this, { method: 'GET', path: subscriptionPath(feed), itemIndex });
	const departments = Array.isArray(body.departmentids) ? (body.departmentids as unknown[]) : [];
	return {
		status: readStatus(body.status),
		events: readEventNames(body),
		departmentIds: departments.map(Number).filter((id) => Number.isInteger(id) && id > 0),
	};
}

export async function subscribe(this: AthenaContext, feed: FeedDefinition, options: SubscribeOptions = {}) {
	const body: IDataObject = {};
	if (options.eventName) body.eventname = options.eventName;
	if (options.departmentIds?.length) body.departmentids = options.departmentIds;
	if (options.includeOptionalEvent && feed.optionalEvent) body[feed.optionalEvent.flag] = true;
	await athenaRequest.call(this, { method: 'POST', path: subscriptionPath(feed), body, idempotent: true, itemIndex: options.itemIndex });
}

export async function unsubscribe(this: AthenaContext, feed: FeedDefinition, eventName?: string, itemIndex?: number) {
	await athenaRequest.call(this, {
		method: 'DELETE',
		path: subscriptionPath(feed),
		body: eventName ? { eventname: eventName } : undefined,
		itemIndex,
	});
}
