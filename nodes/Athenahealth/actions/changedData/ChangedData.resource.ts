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
				description: 'Read records from a changed-data feed once or until it is empty',
			},
		],
		default: 'read',
	},
	...read.description,
];
