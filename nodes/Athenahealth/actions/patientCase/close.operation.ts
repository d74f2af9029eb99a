import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import { z } from 'zod';

import { athenaRequest } from '../../transport/request';
import { fieldLabels, optionalValue, parseItem, positiveId } from '../../common/validation';
import { actionNoteField, actionNoteSchema, noteNotWritten, postActionNote } from './actionNote';
import { caseTargetSchema, patientCaseIdField, patientIdField, readCaseTarget } from './fields';
import { writeResult } from './output';
import { casePath } from './paths';
import { doneByEarlierAttempt, explainRefusal } from './refusal';

const properties: INodeProperties[] = [
	patientIdField,
	patientCaseIdField,
	{
		displayName: 'Close Reason Name or ID',
		name: 'closeReasonId',
		type: 'options',
		// athena lists the close reasons of one case: the picker reloads when the case ID changes.
		typeOptions: { loadOptionsMethod: 'getCloseReasons', loadOptionsDependsOn: ['patientCaseId'] },
		required: true,
		default: '',
		description:
			'Why the case is closed, from athena\'s close reasons for this case (enter the Patient Case ID first). Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
	},
	// Named `note` since the first version, so saved workflows keep their note.
	actionNoteField({
		displayName: 'Note',
		name: 'note',
		typeOptions: { rows: 3 },
		description:
			"Optional action note, written to the case's action history right after the close (athena's close takes only the reason). If athena does not take the note, the item fails saying the case was closed.",
	}),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['patientCase'], operation: ['close'] } },
	properties,
);

const labels = fieldLabels(properties);

const schema = z.object({
	...caseTargetSchema,
	closeReasonId: positiveId,
	note: optionalValue(actionNoteSchema),
});

/**
 * `PUT patients/{patientid}/documents/patientcase/{id}/close` with `actionreasonid` alone, then the
 * note, if any, as an action note (docs/athena-contract.md#patient-cases).
 */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const raw = {
		...readCaseTarget(this, itemIndex),
		closeReasonId: this.getNodeParameter('closeReasonId', itemIndex),
		note: this.getNodeParameter('note', itemIndex, ''),
	};
	const { patientId, patientCaseId, closeReasonId, note } = parseItem(
		this,
		itemIndex,
		schema,
		raw,
		labels,
	);
	const ids = { patientid: patientId, patientcaseid: patientCaseId };
	let result: IDataObject;
	try {
		const { body } = await athenaRequest.call(this, {
			method: 'PUT',
			path: `${casePath(patientId, patientCaseId)}/close`,
			body: { actionreasonid: closeReasonId },
			itemIndex,
		});
		result = writeResult(this, body ?? {}, ids, itemIndex);
	} catch (error) {
		const outcome = await explainRefusal.call(this, error, {
			patientId,
			caseId: patientCaseId,
			change: 'close',
			itemIndex,
		});
		if ('error' in outcome) throw outcome.error;
		result = doneByEarlierAttempt(outcome.done, ids, 'close');
	}
	if (note === undefined) return result;
	try {
		const written = await postActionNote(this, patientCaseId, note, itemIndex);
		return {
			...result,
			actionNoteWritten: true,
			...(written.versiontoken !== undefined && { versiontoken: written.versiontoken }),
		};
	} catch (error) {
		throw noteNotWritten(this, 'closed', error, itemIndex);
	}
}
