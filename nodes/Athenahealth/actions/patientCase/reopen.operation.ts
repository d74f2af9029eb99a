import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import { z } from 'zod';

import { athenaRequest } from '../../transport/request';
import { fieldLabels, parseItem } from '../../common/validation';
import { caseTargetSchema, patientCaseIdField, patientIdField, readCaseTarget } from './fields';
import { writeResult } from './output';
import { casePath } from './paths';
import { doneByEarlierAttempt, explainRefusal } from './refusal';

const properties: INodeProperties[] = [patientIdField, patientCaseIdField];

export const description = updateDisplayOptions(
	{ show: { resource: ['patientCase'], operation: ['reopen'] } },
	properties,
);

const labels = fieldLabels(properties);
const schema = z.object(caseTargetSchema);

/** `PUT patients/{patientid}/documents/patientcase/{id}/reopen`; athena's answer may be empty. */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const { patientId, patientCaseId } = parseItem(
		this,
		itemIndex,
		schema,
		readCaseTarget(this, itemIndex),
		labels,
	);
	const ids = { patientid: patientId, patientcaseid: patientCaseId };
	try {
		const { body } = await athenaRequest.call(this, {
			method: 'PUT',
			path: `${casePath(patientId, patientCaseId)}/reopen`,
			itemIndex,
		});
		return writeResult(this, body && typeof body === 'object' ? body : {}, ids, itemIndex);
	} catch (error) {
		const outcome = await explainRefusal.call(this, error, {
			patientId,
			caseId: patientCaseId,
			change: 'reopen',
			itemIndex,
		});
		if ('error' in outcome) throw outcome.error;
		return doneByEarlierAttempt(outcome.done, ids, 'reopen');
	}
}
