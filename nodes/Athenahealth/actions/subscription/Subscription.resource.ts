import type { INodeProperties } from 'n8n-workflow';

import type { Operations } from '../types';
import * as getEvents from './getEvents.operation';
import * as getStatus from './getStatus.operation';
import * as subscribe from './subscribe.operation';
import * as unsubscribe from './unsubscribe.operation';

export const operations = { getEvents, getStatus, subscribe, unsubscribe } satisfies Operations;

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['subscription'] } },
		options: [
			{
				name: 'Get Available Events',
				value: 'getEvents',
				action: 'Get the events a feed offers',
				description: 'List the event names athena offers for a changed-data feed. Needs the feed.',
			},
			{
				name: 'Get Status',
				value: 'getStatus',
				action: 'Get the subscription status of a feed',
				description:
					"Whether a feed's subscription is ACTIVE, PARTIAL or INACTIVE, with its events and departments. Needs the feed.",
			},
			{
				name: 'Subscribe',
				value: 'subscribe',
				action: 'Subscribe to a feed',
				description:
					'Subscribe to every event of a changed-data feed, or to one event. Needs the feed; departments optional.',
			},
			{
				name: 'Unsubscribe',
				value: 'unsubscribe',
				action: 'Unsubscribe from a feed',
				description:
					'Remove the whole subscription of a changed-data feed, or one event of it. Needs the feed.',
			},
		],
		default: 'getStatus',
	},
	...getEvents.description,
	...getStatus.description,
	...subscribe.description,
	...unsubscribe.description,
];
