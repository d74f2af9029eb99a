import type { INodeProperties } from 'n8n-workflow';

import type { Operations } from '../types';
import * as addActionNote from './addActionNote.operation';
import * as assign from './assign.operation';
import * as close from './close.operation';
import * as create from './create.operation';
import * as get from './get.operation';
import * as getActionNotes from './getActionNotes.operation';
import * as getMany from './getMany.operation';
import * as reopen from './reopen.operation';
import * as update from './update.operation';

export const operations = {
	addActionNote,
	assign,
	close,
	create,
	get,
	getActionNotes,
	getMany,
	reopen,
	update,
} satisfies Operations;

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['patientCase'] } },
		options: [
			{
				name: 'Add Action Note',
				value: 'addActionNote',
				action: 'Add an action note to a patient case',
				description: "Write a note to a patient case's action history",
			},
			{
				name: 'Assign',
				value: 'assign',
				action: 'Assign a patient case',
				description: 'Assign a patient case to an athenaNet user by user name',
			},
			{
				name: 'Close',
				value: 'close',
				action: 'Close a patient case',
				description:
					"Close a patient case. Needs the patient ID, the case ID and a close reason ID from the practice's list.",
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
				description:
					'Get one patient case. Needs the patient ID and the case ID (from Create or Get Many).',
			},
			{
				name: 'Get Action Notes',
				value: 'getActionNotes',
				action: 'Get the action notes of a patient case',
				description: "List a patient case's action notes, oldest first",
			},
			{
				name: 'Get Many',
				value: 'getMany',
				action: 'Get many patient cases',
				description:
					"List a patient's cases. Needs the patient ID and a department ID; status and kind filter optionally.",
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
	...assign.description,
	...addActionNote.description,
	...getActionNotes.description,
];
