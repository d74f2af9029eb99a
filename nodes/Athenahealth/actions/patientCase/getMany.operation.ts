import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import { z } from 'zod';

import { CASE_STATUSES, DOCUMENT_SUBCLASSES } from '../../reference/patientCase';
import { normaliseRecord } from '../../common/normalise';
import { athenaRequest } from '../../transport/request';
import { fieldLabels, optionalOneOf, parseItem, positiveId } from '../../common/validation';
import { departmentField, patientIdField } from './fields';
import { readLocator } from './locators';
import { casesPath } from './paths';
import { CASE_FIELDS, CASE_IDS } from './simplified';
import { keptFields, outputFields, pickFields } from '../../common/output';

/** Page size for athena's list call; athena's default is larger, smaller pages keep answers quick. */
const PAGE_SIZE = 500;
/** A guard against a list that never ends (athena ignoring offset): 100 pages of 500. */
const MAX_PAGES = 100;

const properties: INodeProperties[] = [
	patientIdField,
	departmentField("The department whose chart is listed; athena's list call requires one"),
	{
		displayName: 'Return All',
		name: 'returnAll',
		type: 'boolean',
		default: false,
		description: 'Whether to return all results or only up to a given limit',
	},
	{
		displayName: 'Limit',
		name: 'limit',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: PAGE_SIZE * MAX_PAGES },
		default: 50,
		description: 'Max number of results to return',
		displayOptions: { show: { returnAll: [false] } },
	},
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		options: [
			{
				displayName: 'Document Subclass',
				name: 'documentSubclass',
				type: 'options',
				options: DOCUMENT_SUBCLASSES.map((value) => ({ name: value, value })),
				default: 'PATIENTCASE',
				description: 'Only cases of this kind',
			},
			{
				displayName: 'Status',
				name: 'status',
				type: 'options',
				options: CASE_STATUSES.map((value) => ({ name: value, value })),
				default: 'OPEN',
				description: 'Only cases in this status. Deleted cases are listed only when DELETED is picked.',
			},
		],
	},
	...outputFields('case'),
];

export const description = updateDisplayOptions({ show: { resource: ['patientCase'], operation: ['getMany'] } }, properties);

const labels = fieldLabels(properties);

const schema = z.object({
	patientId: positiveId,
	departmentId: positiveId,
	returnAll: z.boolean(),
	limit: z.number().int('must be a whole number').min(1, 'must be at least 1').max(PAGE_SIZE * MAX_PAGES, `must be at most ${PAGE_SIZE * MAX_PAGES}`),
	status: optionalOneOf(CASE_STATUSES),
	documentSubclass: optionalOneOf(DOCUMENT_SUBCLASSES),
});

/** `GET patients/{patientid}/documents/patientcase?departmentid=`, paged by offset: one item per case. */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject[]> {
	const returnAll = this.getNodeParameter('returnAll', itemIndex, false) as boolean;
	const raw = {
		...(this.getNodeParameter('filters', itemIndex, {}) as IDataObject),
		patientId: readLocator(this, 'patientId', itemIndex),
		departmentId: readLocator(this, 'departmentId', itemIndex),
		returnAll,
		limit: returnAll ? PAGE_SIZE * MAX_PAGES : this.getNodeParameter('limit', itemIndex, 50),
	};
	const input = parseItem(this, itemIndex, schema, raw, labels);
	const qs: IDataObject = { departmentid: input.departmentId };
	if (input.status) qs.status = input.status;
	// athena leaves deleted cases out of every list unless asked to show them.
	if (input.status === 'DELETED') qs.showdeleted = true;
	if (input.documentSubclass) qs.documentsubclass = input.documentSubclass;

	const cases: IDataObject[] = [];
	for (let page = 0; page < MAX_PAGES && cases.length < input.limit; page++) {
		const want = Math.min(PAGE_SIZE, input.limit - cases.length);
		const { body } = await athenaRequest.call(this, {
			method: 'GET',
			path: casesPath(input.patientId),
			qs: { ...qs, limit: want, offset: cases.length },
			itemIndex,
		});
		const found = Array.isArray(body.patientcases) ? (body.patientcases as IDataObject[]) : [];
		cases.push(...found.slice(0, want).map(normaliseRecord));
		const total = Number(body.totalcount);
		if (found.length < want || (Number.isFinite(total) && cases.length >= total)) break;
	}
	const fields = keptFields(this, itemIndex, CASE_FIELDS, CASE_IDS);
	return fields ? cases.map((patientCase) => pickFields(patientCase, fields)) : cases;
}
