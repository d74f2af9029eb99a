import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import { z } from 'zod';

import { athenaRequest } from '../../transport/request';
import { fieldLabels, hasControl, parseItem } from '../../common/validation';
import { caseTargetSchema, patientCaseIdField, patientIdField, readCaseTarget } from './fields';
import { writeResult } from './output';
import { casePath } from './paths';
import { explainRefusal } from './refusal';

/** athenaNet user names are short; the bound keeps a form value sane. */
const USERNAME_MAX = 100;

const properties: INodeProperties[] = [
	patientIdField,
	patientCaseIdField,
	{
		displayName: 'Username',
		name: 'username',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'jsmith1',
		description:
			'The athenaNet user name to assign the case to. Case-sensitive: it is sent exactly as entered, spaces and capitals included.',
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['patientCase'], operation: ['assign'] } },
	properties,
);

const labels = fieldLabels(properties);

/** Sent as given: no trimming, no case change (athena's user names are case-sensitive). */
const username = z
	.string()
	.min(1, 'is required')
	.max(USERNAME_MAX, `must be at most ${USERNAME_MAX} characters`)
	.refine((text) => text.trim() !== '', 'must not be only spaces')
	.refine((text) => !hasControl(text, false), 'must be one line with no control characters');

const schema = z.object({ ...caseTargetSchema, username });

/** `PUT patients/{patientid}/documents/patientcase/{id}/assign` with `username`; athena answers `{success, assignedto}`. */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const raw = {
		...readCaseTarget(this, itemIndex),
		username: this.getNodeParameter('username', itemIndex, ''),
	};
	const input = parseItem(this, itemIndex, schema, raw, labels);
	const { patientId, patientCaseId } = input;
	try {
		const { body } = await athenaRequest.call(this, {
			method: 'PUT',
			path: `${casePath(patientId, patientCaseId)}/assign`,
			body: { username: input.username },
			itemIndex,
		});
		return writeResult(
			this,
			body ?? {},
			{ patientid: patientId, patientcaseid: patientCaseId },
			itemIndex,
		);
	} catch (error) {
		const outcome = await explainRefusal.call(this, error, {
			patientId,
			caseId: patientCaseId,
			change: 'assign',
			itemIndex,
		});
		throw 'error' in outcome ? outcome.error : error;
	}
}
