import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import { z } from 'zod';

import { subscribe } from '../../common/subscriptionApi';
import { fieldLabels, parseItem } from '../../common/validation';
import { departmentIdsField, departmentIdsSchema, feedField } from '../../common/feedFields';
import {
	checkScopeEvent,
	eventField,
	optionalEventFields,
	readScope,
	scopeField,
	scopeShape,
	takesEffectNotice,
} from './fields';

const properties: INodeProperties[] = [
	takesEffectNotice,
	feedField,
	scopeField,
	eventField,
	...optionalEventFields,
	departmentIdsField(
		'Limit the subscription to these departments; leave empty for the whole practice. athena keeps the list of the latest call.',
	),
];

export const description = updateDisplayOptions({ show: { resource: ['subscription'], operation: ['subscribe'] } }, properties);

const labels = fieldLabels(properties);
const schema = z
	.object({ ...scopeShape, includeOptionalEvent: z.boolean(), departmentIds: departmentIdsSchema })
	.superRefine(checkScopeEvent);

/** `POST {feed}/changed/subscription`: every event, or the one named (athena: one event per call). */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const raw = {
		...readScope(this, itemIndex),
		includeOptionalEvent: this.getNodeParameter('includeOptionalEvent', itemIndex, false),
		departmentIds: this.getNodeParameter('departmentIds', itemIndex, []),
	};
	const { feed, eventName, includeOptionalEvent, departmentIds } = parseItem(this, itemIndex, schema, raw, labels);
	// The optional event alone may need its flag as well (athena-api.md [U]); sending it is harmless.
	const optional = feed.optionalEvent;
	const wantsOptional = eventName === undefined ? includeOptionalEvent : eventName === optional?.event;
	await subscribe.call(this, feed, { eventName, departmentIds, includeOptionalEvent: wantsOptional, itemIndex });
	return {
		success: true,
		feed: feed.id,
		event: eventName ?? 'all',
		...(optional && eventName === undefined ? { [optional.flag]: includeOptionalEvent } : {}),
		departmentIds,
	};
}
