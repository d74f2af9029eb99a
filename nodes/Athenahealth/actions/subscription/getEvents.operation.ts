import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import { z } from 'zod';

import { getAvailableEvents } from '../../common/subscriptionApi';
import { fieldLabels, parseItem } from '../../common/validation';
import { feedField, feedSchema } from '../../common/feedFields';

const properties: INodeProperties[] = [feedField];

export const description = updateDisplayOptions(
	{ show: { resource: ['subscription'], operation: ['getEvents'] } },
	properties,
);

const labels = fieldLabels(properties);
const schema = z.object({ feed: feedSchema });

/** `GET {feed}/changed/subscription/events`: the event names athena offers for the feed. */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const { feed } = parseItem(
		this,
		itemIndex,
		schema,
		{ feed: this.getNodeParameter('feed', itemIndex) },
		labels,
	);
	const events = await getAvailableEvents.call(this, feed, itemIndex);
	return { feed: feed.id, feedName: feed.name, events };
}
