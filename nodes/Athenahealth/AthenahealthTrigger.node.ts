import type { INodeExecutionData, INodeType, INodeTypeDescription, IPollFunctions } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { getDepartments, getFeedEvents } from './methods/loadOptions';
import { properties } from './trigger/description';
import { manualPoll } from './trigger/manual';
import { scheduledPoll } from './trigger/poll';
import { readSettings } from './trigger/settings';

export class AthenahealthTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Athenahealth Trigger',
		name: 'athenahealthTrigger',
		icon: { light: 'file:athenahealth.svg', dark: 'file:athenahealth.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{"Feed: " + $parameter["feed"]}}',
		description: 'Starts the workflow for every record that changes in an Athenahealth changed-data feed',
		defaults: { name: 'Athenahealth Trigger' },
		polling: true,
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'athenahealthApi', required: true }],
		properties,
	};

	methods = { loadOptions: { getDepartments, getFeedEvents } };

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		const settings = await readSettings(this);
		if (this.getMode() === 'manual') return await manualPoll(this, settings);
		return await scheduledPoll(this, settings);
	}
}
