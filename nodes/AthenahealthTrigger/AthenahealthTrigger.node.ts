import type { INodeExecutionData, INodeType, INodeTypeDescription, IPollFunctions } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

// Minimal until the trigger issue fills in the drain.
export class AthenahealthTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'athenahealth Trigger',
		name: 'athenahealthTrigger',
		icon: { light: 'file:athenahealth.svg', dark: 'file:athenahealth.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{"Feed: " + $parameter["feed"]}}',
		description: 'Starts the workflow for every record that changes in an athenahealth changed-data feed',
		defaults: { name: 'athenahealth Trigger' },
		polling: true,
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'athenahealthApi', required: true }],
		properties: [],
	};

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		return null;
	}
}
