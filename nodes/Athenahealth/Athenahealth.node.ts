import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import * as changedData from './actions/changedData/ChangedData.resource';
import * as patientCase from './actions/patientCase/PatientCase.resource';
import { router } from './actions/router';
import { practiceField } from './common/practice';
import * as subscription from './actions/subscription/Subscription.resource';
import {
	searchDepartments,
	searchPatientCases,
	searchPatients,
	searchProviders,
} from './methods/listSearch';
import {
	getCloseReasons,
	getDepartments,
	getFeedEvents,
	getProviders,
} from './methods/loadOptions';

export class Athenahealth implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Athenahealth',
		name: 'athenahealth',
		icon: { light: 'file:athenahealth.svg', dark: 'file:athenahealth.dark.svg' },
		group: ['transform'],
		// 1.1: Simplify is on for nodes added from now on; version 1 keeps full records.
		version: [1, 1.1],
		defaultVersion: 1.1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description:
			'Create and update Athenahealth patient cases, manage changed-data subscriptions and read changed data',
		defaults: { name: 'Athenahealth' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'athenahealthApi', required: true }],
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [
					{
						name: 'Changed Data',
						value: 'changedData',
						description: 'Records that changed in a changed-data feed',
					},
					{
						name: 'Patient Case',
						value: 'patientCase',
						description:
							'A documented call or message about a patient, routed to a provider or staff',
					},
					{
						name: 'Subscription',
						value: 'subscription',
						description: 'Which changed-data feed events athena queues for this API client',
					},
				],
				default: 'patientCase',
			},
			...patientCase.description,
			...subscription.description,
			...changedData.description,
			practiceField,
		],
	};

	methods = {
		loadOptions: { getCloseReasons, getDepartments, getFeedEvents, getProviders },
		listSearch: { searchDepartments, searchPatientCases, searchPatients, searchProviders },
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
