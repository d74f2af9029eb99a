import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import { z } from 'zod';

import { athenaRequest } from '../../transport/request';
import { fieldLabels, multiLine, optionalValue, parseItem, positiveId, TEXT_LIMITS } from '../../common/validation';
import { caseTargetSchema, patientCaseIdField, patientIdField, readCaseTarget } from './fields';
import { writeResult } from './output';
import { casePath } from './paths';
import { explainRefusal } from './refusal';

const properties: INodeProperties[] = [
	patientIdField,
	patientCaseIdField,
	{
		displayName: 'Close Reason Name or ID',
		name: 'closeReasonId',
		type: 'options',
		typeOptions: { loadOptionsMethod: 'getCloseReasons' },
		required: true,
		default: '',
		description:
			'Why the case is closed, from the practice\'s list of close reasons. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
	},
	{
		displayName: 'Note',
		name: 'note',
		type: 'string',
		typeOptions: { rows: 3 },
		default: '',
		description: `Optional action note recorded with the closing (at most ${TEXT_LIMITS.actionNote} characters)`,
	},
];

export const description = updateDisplayOptions({ show: { resource: ['patientCase'], operation: ['close'] } }, properties);

const labels = fieldLabels(properties);

const schema = z.object({
	...caseTargetSchema,
	closeReasonId: positiveId,
	note: optionalValue(multiLine(TEXT_LIMITS.actionNote)),
});

/** `PUT patients/{patientid}/documents/patientcase/{id}/close` with athena's close reason. */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const raw = {
		...readCaseTarget(this, itemIndex),
		closeReasonId: this.getNodeParameter('closeReasonId', itemIndex),
		note: this.getNodeParameter('note', itemIndex, ''),
	};
	const { patientId, patientCaseId, closeReasonId, note } = parseItem(this, itemIndex, schema, raw, labels);
	const redact = note ? [note] : [];
	try {
		const { body } = await athenaRequest.call(this, {
			method: 'PUT',
			path: `${casePath(patientId, patientCaseId)}/close`,
			body: { actionreasonid: closeReasonId, actionnote: note },
			itemIndex,
			redact,
		});
		return writeResult(this, body, { patientid: patientId, patientcaseid: patientCaseId }, itemIndex, redact);
	} catch (error) {
		throw await explainRefusal.call(this, error, { patientId, caseId: patientCaseId, change: 'close', itemIndex });
	}
}
