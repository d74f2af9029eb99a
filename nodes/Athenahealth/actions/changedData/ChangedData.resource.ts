import type { INodeProperties } from 'n8n-workflow';

import * as read from './read.operation';

export { read };

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
