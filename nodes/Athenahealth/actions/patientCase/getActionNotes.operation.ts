import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import { z } from 'zod';

import { normaliseRecord } from '../../common/normalise';
import { athenaRequest } from '../../transport/request';
import { fieldLabels, parseItem, positiveId } from '../../common/validation';
import { casePickerPatientField, limitSchema, patientCaseIdField, returnAllFields } from './fields';
import { readLocator } from './locators';
import { actionsPath } from './paths';

/** Notes per request; a case rarely has more than a few dozen. */
const PAGE_SIZE = 100;
/** A guard against a list that never ends (athena ignoring offset): 50 pages of 100. */
const MAX_PAGES = 50;

const properties: INodeProperties[] = [
	// Only lists the patient's cases in the editor; execute never reads it.
	casePickerPatientField,
	patientCaseIdField,
	...returnAllFields(PAGE_SIZE * MAX_PAGES),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['patientCase'], operation: ['getActionNotes'] } },
	properties,
);

const labels = fieldLabels(properties);

const schema = z.object({
	patientCaseId: positiveId,
	limit: limitSchema(PAGE_SIZE * MAX_PAGES),
});

/** athena's notes: a bare array, or (defensively) the first array in an object. */
function notesOf(body: IDataObject | IDataObject[]): IDataObject[] {
	if (Array.isArray(body)) return body;
	return (Object.values(body ?? {}).find(Array.isArray) ?? []) as IDataObject[];
}

/** `GET documents/patientcase/{id}/actions`, paged by limit and offset: one item per action note. */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject[]> {
	const returnAll = this.getNodeParameter('returnAll', itemIndex, false) as boolean;
	const raw = {
		patientCaseId: readLocator(this, 'patientCaseId', itemIndex),
		limit: returnAll ? PAGE_SIZE * MAX_PAGES : this.getNodeParameter('limit', itemIndex, 50),
	};
	const { patientCaseId, limit } = parseItem(this, itemIndex, schema, raw, labels);
	const notes: IDataObject[] = [];
	let page = 0;
	for (; page < MAX_PAGES && notes.length < limit; page++) {
		const want = Math.min(PAGE_SIZE, limit - notes.length);
		const { body } = await athenaRequest.call(this, {
			method: 'GET',
			path: actionsPath(patientCaseId),
			qs: { limit: want, offset: notes.length },
			itemIndex,
		});
		const found = notesOf(body);
		notes.push(
			...found
				.slice(0, want)
				.map((note) => normaliseRecord({ patientcaseid: patientCaseId, ...note })),
		);
		if (found.length < want) break;
	}
	if (page >= MAX_PAGES && notes.length < limit) {
		this.logger.warn(
			`athenahealth Get Action Notes: stopped after ${MAX_PAGES} pages (item ${itemIndex})`,
		);
	}
	return notes;
}
