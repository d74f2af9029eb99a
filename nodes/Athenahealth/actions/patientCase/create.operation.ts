import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import { z } from 'zod';

import { athenaRequest } from '../../transport/request';
import { fieldLabels, parseItem, positiveId } from '../../common/validation';
import {
	callbackExclusive,
	departmentField,
	documentSourceSchema,
	documentSubclassSchema,
	patientIdField,
	providerField,
	sentText,
	sharedCaseOptions,
	sharedCaseSchema,
	sourceField,
	subclassField,
	toAthenaForm,
} from './fields';
import { readLocator } from './locators';
import { casesPath } from './paths';
import { writeResult } from './output';
import { withFieldNames } from './athenaFields';

const properties: INodeProperties[] = [
	patientIdField,
	departmentField('The department the case is filed in'),
	providerField,
	sourceField,
	subclassField,
	{
		displayName: 'Additional Fields',
		name: 'additionalFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		options: [
			{
				displayName: 'Auto Close',
				name: 'autoClose',
				type: 'boolean',
				default: false,
				description:
					'Whether athena closes the case as soon as it is created (to document a call that needs no follow-up)',
			},
			...sharedCaseOptions,
		],
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['patientCase'], operation: ['create'] } },
	properties,
);

const labels = fieldLabels(properties);

const schema = z
	.object({
		patientId: positiveId,
		departmentId: positiveId,
		providerId: positiveId,
		documentSource: documentSourceSchema,
		documentSubclass: documentSubclassSchema,
		autoClose: z.boolean().optional(),
		...sharedCaseSchema,
	})
	.superRefine(callbackExclusive);

/** `POST patients/{patientid}/documents/patientcase`: one case per call, as athena allows. Not retried once sent. */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const raw = {
		...(this.getNodeParameter('additionalFields', itemIndex, {}) as IDataObject),
		patientId: readLocator(this, 'patientId', itemIndex),
		departmentId: readLocator(this, 'departmentId', itemIndex),
		providerId: readLocator(this, 'providerId', itemIndex),
		documentSource: this.getNodeParameter('documentSource', itemIndex),
		documentSubclass: this.getNodeParameter('documentSubclass', itemIndex),
	};
	const { patientId, ...fields } = parseItem(this, itemIndex, schema, raw, labels);
	const redact = sentText(fields);
	let body;
	try {
		({ body } = await athenaRequest.call(this, {
			method: 'POST',
			path: casesPath(patientId),
			body: toAthenaForm(fields),
			itemIndex,
			redact,
		}));
	} catch (error) {
		throw withFieldNames(this, error, labels, itemIndex);
	}
	return writeResult(this, body, { patientid: patientId }, itemIndex, redact);
}
