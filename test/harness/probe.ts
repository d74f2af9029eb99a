import type { IDataObject, IExecuteFunctions, INodeType } from 'n8n-workflow';

import { athenaRequest, type AthenaRequest } from '../../nodes/Athenahealth/transport/request';

/**
 * A node whose only job is to call the request layer with the requests in its `calls` parameter,
 * so the transport is exercised through a real ExecuteContext without any operation's logic.
 */
export const probeNode: INodeType = {
	description: {
		displayName: 'Probe',
		name: 'probe',
		group: ['transform'],
		version: 1,
		description: 'Calls athenaRequest for tests',
		defaults: { name: 'Probe' },
		inputs: ['main'],
		outputs: ['main'],
		credentials: [{ name: 'athenahealthApi', required: true }],
		properties: [{ displayName: 'Calls', name: 'calls', type: 'json', default: '[]' }],
	},
	async execute(this: IExecuteFunctions) {
		const calls = JSON.parse(this.getNodeParameter('calls', 0) as string) as AthenaRequest[];
		const out: IDataObject[] = [];
		for (const call of calls) {
			const response = await athenaRequest.call(this, call);
			out.push({
				body: response.body,
				statusCode: response.statusCode,
				serverTime: response.serverTime,
			});
		}
		return [out.map((json, index) => ({ json, pairedItem: { item: index } }))];
	},
} as INodeType;
