import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import { z } from 'zod';

import { getSubscription } from '../../common/subscriptionApi';
import { fieldLabels, parseItem } from '../../common/validation';
import { feedField, feedSchema } from '../../common/feedFields';
import { chosenOptionalEvents, optionalEventFields } from './fields';

const properties: INodeProperties[] = [
	feedField,
	...optionalEventFields(
		false,
		(event) =>
			`the status counts ${event} as part of a complete subscription: choose as when subscribing`,
	),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['subscription'], operation: ['getStatus'] } },
	properties,
);

const labels = fieldLabels(properties);
const schema = z.object({ feed: feedSchema });

/** `GET {feed}/changed/subscription`: ACTIVE, PARTIAL or INACTIVE, the events and the departments ([] = whole practice). */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const { feed } = parseItem(
		this,
		itemIndex,
		schema,
		{ feed: this.getNodeParameter('feed', itemIndex) },
		labels,
	);
	const state = await getSubscription.call(
		this,
		feed,
		itemIndex,
		chosenOptionalEvents(this, itemIndex, feed),
	);
	return {
		feed: feed.id,
		feedName: feed.name,
		status: state.status,
		events: state.events,
		departmentIds: state.departmentIds,
	};
}
