import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import { z } from 'zod';

import { unsubscribe } from '../../common/subscriptionApi';
import { fieldLabels, parseItem } from '../../common/validation';
import { feedField } from '../../common/feedFields';
import {
	checkEventWithAthena,
	checkScopeEvent,
	eventField,
	readScope,
	scopeField,
	scopeShape,
	takesEffectNotice,
} from './fields';

const properties: INodeProperties[] = [takesEffectNotice, feedField, scopeField, eventField];

export const description = updateDisplayOptions(
	{ show: { resource: ['subscription'], operation: ['unsubscribe'] } },
	properties,
);

const labels = fieldLabels(properties);
const schema = z.object(scopeShape).superRefine(checkScopeEvent);

/** `DELETE {feed}/changed/subscription`: everything (the optional events too), or the one event named. */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const { feed, eventName } = parseItem(
		this,
		itemIndex,
		schema,
		readScope(this, itemIndex),
		labels,
	);
	await checkEventWithAthena(this, itemIndex, feed, eventName);
	await unsubscribe.call(this, feed, eventName, itemIndex);
	return { success: true, feed: feed.id, event: eventName ?? 'all' };
}
