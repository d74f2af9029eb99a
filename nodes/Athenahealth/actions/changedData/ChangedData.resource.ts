import type { INodeProperties } from 'n8n-workflow';

import type { Operations } from '../types';
import * as read from './read.operation';

export const operations = { read } satisfies Operations;

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['changedData'] } },
		options: [
			{
				name: 'Read',
				value: 'read',
				action: 'Read changed records',
				description:
					"Read records of a changed-data feed: new ones (removed from athena's queue) or already processed ones in a time window. Needs the feed.",
			},
		],
		default: 'read',
	},
	...read.description,
];
