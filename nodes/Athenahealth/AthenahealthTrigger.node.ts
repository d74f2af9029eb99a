import type {
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	IPollFunctions,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { FEEDS } from './feeds/catalog';
import { getDepartments, getFeedEvents } from './methods/loadOptions';
import { properties } from './trigger/description';
import { manualPoll } from './trigger/manual';
import { scheduledPoll } from './trigger/poll';
import { readSettings } from './trigger/settings';

/** The trigger's subtitle: the feed's name from the catalog ("Appointments"), not its path. */
const FEED_SUBTITLE = `={{ (${JSON.stringify(Object.fromEntries(FEEDS.map((feed) => [feed.id, feed.name])))})[$parameter["feed"]] || $parameter["feed"] }}`;

export class AthenahealthTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Athenahealth Trigger',
		name: 'athenahealthTrigger',
		icon: { light: 'file:athenahealth.svg', dark: 'file:athenahealth.dark.svg' },
		group: ['trigger'],
		// 1.1: Simplify is on for triggers added from now on; version 1 keeps full records.
		version: [1, 1.1],
		defaultVersion: 1.1,
		subtitle: FEED_SUBTITLE,
		description:
			'Starts the workflow for every record that changes in an Athenahealth changed-data feed',
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
