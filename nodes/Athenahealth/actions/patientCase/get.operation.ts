import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';
import { z } from 'zod';

import { athenaRequest } from '../../transport/request';
import { fieldLabels, parseItem } from '../../common/validation';
import { caseTargetSchema, patientCaseIdField, patientIdField, readCaseTarget } from './fields';
import { caseRecord } from './output';
import { casePath } from './paths';
import { CASE_FIELDS, CASE_IDS } from './simplified';
import { keptFields, outputFields, pickFields } from '../../common/output';

const properties: INodeProperties[] = [patientIdField, patientCaseIdField, ...outputFields('case')];

export const description = updateDisplayOptions(
	{ show: { resource: ['patientCase'], operation: ['get'] } },
	properties,
);

const labels = fieldLabels(properties);
const schema = z.object(caseTargetSchema);

/** `GET patients/{patientid}/documents/patientcase/{id}`: the case with athena's fields. */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const { patientId, patientCaseId } = parseItem(
		this,
		itemIndex,
		schema,
		readCaseTarget(this, itemIndex),
		labels,
	);
	const { body } = await athenaRequest.call(this, {
		method: 'GET',
		path: casePath(patientId, patientCaseId),
		itemIndex,
	});
	// athena answers one case as an array holding it; an empty one is no case, not an empty item.
	if (Array.isArray(body) && body.length === 0) {
		throw new NodeOperationError(
			this.getNode(),
			`athena answered no patient case for this Patient Case ID [item ${itemIndex}]`,
			{ itemIndex },
		);
	}
	return pickFields(caseRecord(body), keptFields(this, itemIndex, CASE_FIELDS, CASE_IDS));
}
