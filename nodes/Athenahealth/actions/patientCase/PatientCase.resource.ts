import type { INodeProperties } from 'n8n-workflow';

import * as close from './close.operation';
import * as create from './create.operation';
import * as get from './get.operation';
import * as getMany from './getMany.operation';
import * as reopen from './reopen.operation';
import * as update from './update.operation';

export { close, create, get, getMany, reopen, update };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['patientCase'] } },
		options: [
			{
				name: 'Close',
				value: 'close',
				action: 'Close a patient case',
				description: 'Close a patient case. Needs the patient ID, the case ID and a close reason ID from the practice\'s list.',
			},
			{
				name: 'Create',
				value: 'create',
				action: 'Create a patient case',
				description:
					'Create one patient case (a call or message about a patient). Needs the patient ID, department ID, provider ID, source and kind; subject and note are optional.',
			},
			{
				name: 'Get',
				value: 'get',
				action: 'Get a patient case',
				description: 'Get one patient case. Needs the patient ID and the case ID (from Create or Get Many).',
			},
			{
				name: 'Get Many',
				value: 'getMany',
				action: 'Get many patient cases',
				description: 'List a patient\'s cases. Needs the patient ID and a department ID; status and kind filter optionally.',
			},
			{
				name: 'Reopen',
				value: 'reopen',
				action: 'Reopen a patient case',
				description: 'Reopen a closed patient case. Needs the patient ID and the case ID.',
			},
			{
				name: 'Update',
				value: 'update',
				action: 'Update a patient case',
				description:
					'Change fields of an open patient case this API client created. Needs the patient ID, the case ID and at least one field; only the fields given change.',
			},
		],
		default: 'create',
	},
	...create.description,
	...update.description,
	...get.description,
	...getMany.description,
	...close.description,
	...reopen.description,
];
