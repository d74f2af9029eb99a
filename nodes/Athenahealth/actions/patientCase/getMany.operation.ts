import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import { z } from 'zod';

import {
	CASE_STATUSES,
	DOCUMENT_SUBCLASSES,
	isOpenStatus,
	OPEN_ONLY,
	sentSubclass,
	SUBCLASS_FORMS,
} from '../../reference/patientCase';
import { normaliseRecord } from '../../common/normalise';
import { athenaRequest } from '../../transport/request';
import { fieldLabels, optionalOneOf, parseItem, positiveId } from '../../common/validation';
import { departmentField, legacy, limitSchema, patientIdField, returnAllFields } from './fields';
import { readLocator } from './locators';
import { caseList } from './output';
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
	...returnAllFields(PAGE_SIZE * MAX_PAGES),
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
				description:
					'Only cases of this kind. athena reads subclasses back prefixed (OTHER as PATIENTCASE_OTHER); both forms match.',
			},
			{
				displayName: 'Status',
				name: 'status',
				type: 'options',
				options: [
					{ name: 'Open Only (Not Closed or Deleted)', value: OPEN_ONLY },
					...CASE_STATUSES.map((value) => ({ name: value, value })),
				],
				default: OPEN_ONLY,
				description:
					'Only cases in this status. athena has no OPEN status: an open case usually reads REVIEW, and Open Only keeps every case neither CLOSED nor DELETED. Deleted cases are listed only when DELETED is picked.',
			},
		],
	},
	...outputFields('case'),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['patientCase'], operation: ['getMany'] } },
	properties,
);

const labels = fieldLabels(properties);

const schema = z.object({
	patientId: positiveId,
	departmentId: positiveId,
	returnAll: z.boolean(),
	limit: limitSchema(PAGE_SIZE * MAX_PAGES),
	status: legacy('status', optionalOneOf([OPEN_ONLY, ...CASE_STATUSES])),
	// The stored form (PATIENTCASE_OTHER) is taken too, e.g. from a previous node's output.
	documentSubclass: legacy('documentSubclass', optionalOneOf(SUBCLASS_FORMS)),
});

/** Whether a case passes the filters that the node applies itself (see execute). */
function matches(
	record: IDataObject,
	status: string | undefined,
	subclass: string | undefined,
): boolean {
	if (status === OPEN_ONLY && !isOpenStatus(record.status)) return false;
	if (status && status !== OPEN_ONLY && record.status !== status) return false;
	return subclass === undefined || sentSubclass(String(record.documentsubclass ?? '')) === subclass;
}

/**
 * `GET patients/{patientid}/documents/patientcase?departmentid=`, paged by offset: one item per
 * case. A single status is sent to athena; Open Only and the subclass are applied here, on every
 * page read: athena has no "open" status, and which subclass form its filter takes is unconfirmed,
 * so sending it could silently match nothing (docs/athena-contract.md#unconfirmed).
 */
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
	const status = input.status as string | undefined;
	const subclass =
		input.documentSubclass === undefined
			? undefined
			: sentSubclass(input.documentSubclass as string);
	const qs: IDataObject = { departmentid: input.departmentId };
	if (status && status !== OPEN_ONLY) qs.status = status;
	// athena leaves deleted cases out of every list unless asked to show them.
	if (status === 'DELETED') qs.showdeleted = true;

	const cases: IDataObject[] = [];
	let read = 0;
	let page = 0;
	for (; page < MAX_PAGES && cases.length < input.limit; page++) {
		const { body } = await athenaRequest.call(this, {
			method: 'GET',
			path: casesPath(input.patientId),
			qs: { ...qs, limit: PAGE_SIZE, offset: read },
			itemIndex,
		});
		const { records, total } = caseList(body);
		read += records.length;
		for (const record of records) {
			if (cases.length < input.limit && matches(record, status, subclass))
				cases.push(normaliseRecord(record));
		}
		if (records.length < PAGE_SIZE || (total !== undefined && read >= total)) break;
	}
	if (page >= MAX_PAGES && cases.length < input.limit) {
		this.logger.warn(
			`athenahealth Get Many: stopped after ${MAX_PAGES} pages of patient cases (item ${itemIndex})`,
		);
	}
	const fields = keptFields(this, itemIndex, CASE_FIELDS, CASE_IDS);
	return fields ? cases.map((patientCase) => pickFields(patientCase, fields)) : cases;
}
