import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import { z } from 'zod';

import { fieldLabels, parseItem, positiveId } from '../../common/validation';
import { actionNoteField, actionNoteSchema, postActionNote } from './actionNote';
import { casePickerPatientField, patientCaseIdField } from './fields';
import { readLocator } from './locators';

const properties: INodeProperties[] = [
	// Only lists the patient's cases in the editor; execute never reads it.
	casePickerPatientField,
	patientCaseIdField,
	actionNoteField({
		required: true,
		placeholder: 'Called the patient back; pharmacy confirmed the refill.',
	}),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['patientCase'], operation: ['addActionNote'] } },
	properties,
);

const labels = fieldLabels(properties);

const schema = z.object({
	patientCaseId: positiveId,
	actionNote: z.preprocess(
		(value) => (value === null ? undefined : value),
		actionNoteSchema.refine((text) => text.trim() !== '', 'is required'),
	),
});

/** `POST documents/patientcase/{id}/actions` with `actionnote`: athena answers `{success, versiontoken}`. */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const raw = {
		patientCaseId: readLocator(this, 'patientCaseId', itemIndex),
		actionNote: this.getNodeParameter('actionNote', itemIndex, ''),
	};
	const { patientCaseId, actionNote } = parseItem(this, itemIndex, schema, raw, labels);
	return await postActionNote(this, patientCaseId, actionNote, itemIndex);
}
