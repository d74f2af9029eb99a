import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import { z } from 'zod';

import { subscribe } from '../../common/subscriptionApi';
import { fieldLabels, parseItem } from '../../common/validation';
import {
	departmentIdsField,
	departmentIdsSchema,
	departmentScopeProblem,
	feedField,
} from '../../common/feedFields';
import {
	checkEventWithAthena,
	checkScopeEvent,
	chosenOptionalEvents,
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
	...optionalEventFields(
		true,
		(event) =>
			`an all-events subscription also covers ${event}, which athena leaves out unless asked`,
	),
	departmentIdsField(
		'Limit the subscription to these departments; leave empty for the whole practice. athena keeps the list of the latest call.',
		'subscribe',
	),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['subscription'], operation: ['subscribe'] } },
	properties,
);

const labels = fieldLabels(properties);
const schema = z
	.object({ ...scopeShape, departmentIds: departmentIdsSchema })
	.superRefine(checkScopeEvent)
	.superRefine((input, ctx) => {
		// Where athena takes no departments it would ignore them and subscribe the whole practice.
		const problem = departmentScopeProblem(input.feed, input.departmentIds, 'subscribe');
		if (problem)
			ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['departmentIds'], message: problem });
	});

/** `POST {feed}/changed/subscription`: every event, or the one named (athena: one event per call). */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const raw = {
		...readScope(this, itemIndex),
		departmentIds: this.getNodeParameter('departmentIds', itemIndex, []),
	};
	const { feed, eventName, departmentIds } = parseItem(this, itemIndex, schema, raw, labels);
	await checkEventWithAthena(this, itemIndex, feed, eventName);
	const optionalEvents = eventName === undefined ? chosenOptionalEvents(this, itemIndex, feed) : [];
	await subscribe.call(this, feed, { eventName, departmentIds, optionalEvents, itemIndex });
	const flags = Object.fromEntries(
		(feed.optionalEvents ?? []).map((optional) => [
			optional.flag,
			optionalEvents.includes(optional.event),
		]),
	);
	return {
		success: true,
		feed: feed.id,
		event: eventName ?? 'all',
		...(eventName === undefined ? flags : {}),
		departmentIds,
	};
}
