import type { IDataObject, IExecuteFunctions, INodeExecutionData, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import * as changedData from './changedData/ChangedData.resource';
import * as patientCase from './patientCase/PatientCase.resource';
import * as subscription from './subscription/Subscription.resource';
import type { OperationModule, Operations } from './types';

/**
 * The router runs the operation (see OperationModule) for every input item, wraps each record as
 * an output item paired with its input item, and applies Continue On Fail per item.
 */

const RESOURCES: Record<string, Operations> = {
	patientCase: patientCase.operations,
	subscription: subscription.operations,
	changedData: changedData.operations,
};

function operationFor(context: IExecuteFunctions, itemIndex: number): OperationModule['execute'] {
	// Fallbacks so that a hand-edited workflow with an unknown resource gets this node's error.
	const resource = String(context.getNodeParameter('resource', itemIndex, ''));
	const operation = String(context.getNodeParameter('operation', itemIndex, ''));
	const candidate =
		Object.hasOwn(RESOURCES, resource) && Object.hasOwn(RESOURCES[resource], operation)
			? RESOURCES[resource][operation]
			: undefined;
	if (typeof candidate?.execute !== 'function') {
		const named = (value: string) => (/^[A-Za-z]{1,40}$/.test(value) ? ` "${value}"` : '');
		throw new NodeOperationError(
			context.getNode(),
			`The operation${named(operation)} is not supported for the resource${named(resource)} [item ${itemIndex}]`,
			{ itemIndex },
		);
	}
	return candidate.execute;
}

/** The text of an error for a Continue On Fail item (the request layer already kept secrets out). */
function failureJson(error: Error & { description?: string | null }): IDataObject {
	const json: IDataObject = { error: error.message };
	if (error.description) json.description = error.description;
	return json;
}

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const returnData: INodeExecutionData[] = [];

	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		const pairedItem = { item: itemIndex };
		try {
			const execute = operationFor(this, itemIndex);
			const result = await execute.call(this, itemIndex);
			for (const json of Array.isArray(result) ? result : [result])
				returnData.push({ json, pairedItem });
		} catch (error) {
			if (this.continueOnFail()) {
				returnData.push({ json: failureJson(error as Error), pairedItem });
				continue;
			}
			// Re-wrapping an n8n error hands back the same error, its item index now set.
			if (error instanceof NodeApiError) {
				error.context.itemIndex ??= itemIndex;
				throw new NodeApiError(this.getNode(), error as unknown as JsonObject);
			}
			if (error instanceof NodeOperationError) {
				error.context.itemIndex ??= itemIndex;
				throw new NodeOperationError(this.getNode(), error);
			}
			throw new NodeOperationError(this.getNode(), error as Error, { itemIndex });
		}
	}
	return [returnData];
}
