import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import { z } from 'zod';

import { athenaRequest } from '../../transport/request';
import {
	fieldLabels,
	optionalId,
	optionalValue,
	parseItem,
	positiveId,
} from '../../common/validation';
import {
	callbackExclusive,
	documentSourceSchema,
	documentSubclassSchema,
	patientCaseIdField,
	patientIdField,
	readCaseTarget,
	sentText,
	sharedCaseOptions,
	sharedCaseSchema,
	toAthenaForm,
	updatableRequiredOptions,
} from './fields';
import { locatorValues } from './locators';
import { writeResult } from './output';
import { withFieldNames } from './athenaFields';
import { casePath } from './paths';
import { explainRefusal } from './refusal';

const properties: INodeProperties[] = [
	patientIdField,
	patientCaseIdField,
	{
		displayName: 'Update Fields',
		name: 'updateFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		description:
			"Only the fields added here are sent, and each overwrites what the case held (athena's API reference says a new Internal Note is appended instead). Department and Auto Close cannot be changed: athena's update does not take them. athena only updates open cases that this API client created.",
		options: [...sharedCaseOptions, ...updatableRequiredOptions].sort((a, b) =>
			a.displayName.localeCompare(b.displayName),
		),
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['patientCase'], operation: ['update'] } },
	properties,
);

const labels = fieldLabels(properties);

/** The fields that say which case; every other field is a change. */
const TARGET = new Set(['patientId', 'patientCaseId']);

const schema = z
	.object({
		patientId: positiveId,
		patientCaseId: positiveId,
		providerId: optionalId,
		documentSource: optionalValue(documentSourceSchema),
		documentSubclass: optionalValue(documentSubclassSchema),
		...sharedCaseSchema,
	})
	.superRefine((input, ctx) => {
		callbackExclusive(input, ctx);
		const changes = Object.entries(input).filter(
			([name, value]) => !TARGET.has(name) && value !== undefined,
		);
		if (changes.length === 0) {
			ctx.addIssue({
				code: z.ZodIssueCode.custom,
				path: ['updateFields'],
				message: 'must contain at least one field to change',
			});
		}
	});

/** `PUT patients/{patientid}/documents/patientcase/{id}` with the added fields only. */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const raw = {
		...locatorValues(this.getNodeParameter('updateFields', itemIndex, {}) as IDataObject),
		...readCaseTarget(this, itemIndex),
	};
	const { patientId, patientCaseId, ...fields } = parseItem(this, itemIndex, schema, raw, labels);
	const redact = sentText(fields);
	try {
		const { body } = await athenaRequest.call(this, {
			method: 'PUT',
			path: casePath(patientId, patientCaseId),
			body: toAthenaForm(fields),
			itemIndex,
			redact,
		});
		return writeResult(
			this,
			body,
			{ patientid: patientId, patientcaseid: patientCaseId },
			itemIndex,
			redact,
		);
	} catch (error) {
		const outcome = await explainRefusal.call(this, error, {
			patientId,
			caseId: patientCaseId,
			change: 'update',
			itemIndex,
		});
		throw withFieldNames(this, 'error' in outcome ? outcome.error : error, labels, itemIndex);
	}
}
