import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { z } from 'zod';

import {
	CALLBACK_NUMBER_TYPES,
	DOCUMENT_SOURCES,
	DOCUMENT_SUBCLASSES,
	INTERNAL_NOTE_MAX,
	PRIORITIES,
	upgradeLegacy,
} from '../../reference/patientCase';
import {
	casePickerPatientLocator,
	departmentLocator,
	patientCaseLocator,
	patientLocator,
	providerLocator,
	readLocator,
} from './locators';
import {
	multiLine,
	oneOf,
	optionalId,
	optionalOneOf,
	optionalValue,
	positiveId,
	singleLine,
	TEXT_LIMITS,
} from '../../common/validation';

/**
 * The patient-case fields the operations share: their n8n properties, their zod checks and the
 * athena form names they are sent under. Create and Update build on the same definitions.
 */

export const patientIdField: INodeProperties = patientLocator;

export const patientCaseIdField: INodeProperties = patientCaseLocator;

/** The action-note operations' optional Patient: it only fills Patient Case's list, it is not sent. */
export const casePickerPatientField: INodeProperties = casePickerPatientLocator;

/** Which case an operation acts on. */
export const caseTargetSchema = { patientId: positiveId, patientCaseId: positiveId };

export function readCaseTarget(context: IExecuteFunctions, itemIndex: number) {
	return {
		patientId: readLocator(context, 'patientId', itemIndex),
		patientCaseId: readLocator(context, 'patientCaseId', itemIndex),
	};
}

export const departmentField = departmentLocator;

export const providerField = providerLocator;

const sourceOptions = DOCUMENT_SOURCES.map((value) => ({ name: value, value }));
const sourceDescription =
	'Who the call came from (athena\'s "documentsource"). Exactly as listed: athena refuses "patient" for PATIENT.';

export const sourceField: INodeProperties = {
	displayName: 'Source',
	name: 'documentSource',
	type: 'options',
	options: sourceOptions,
	required: true,
	default: 'PATIENT',
	description: sourceDescription,
};

const subclassOptions = DOCUMENT_SUBCLASSES.map((value) => ({ name: value, value }));
const subclassDescription =
	'The kind of patient case (athena\'s "documentsubclass"); PATIENTCASE is the general one. athena reads it back prefixed, e.g. OTHER as PATIENTCASE_OTHER.';

export const subclassField: INodeProperties = {
	displayName: 'Document Subclass',
	name: 'documentSubclass',
	type: 'options',
	options: subclassOptions,
	required: true,
	default: 'PATIENTCASE',
	description: subclassDescription,
};

/** Optional fields Create and Update share, in a collection (options sorted by display name). */
export const sharedCaseOptions: INodeProperties[] = [
	{
		displayName: 'Callback Name',
		name: 'callbackName',
		type: 'string',
		default: '',
		description: `The person to call back, if not the patient (at most ${TEXT_LIMITS.callbackName} characters)`,
	},
	{
		displayName: 'Callback Number',
		name: 'callbackNumber',
		type: 'string',
		default: '',
		placeholder: '617-555-0100',
		description:
			'The phone number to call back (digits, spaces and + - ( ) . only). athena does not take it together with Callback Number Type.',
	},
	{
		displayName: 'Callback Number Type',
		name: 'callbackNumberType',
		type: 'options',
		options: [
			{ name: 'None', value: '' },
			...CALLBACK_NUMBER_TYPES.map((value) => ({ name: titleCase(value), value })),
		],
		default: '',
		description:
			"Which of the patient's numbers on file to call back. athena does not take it together with Callback Number.",
	},
	{
		displayName: 'Clinical Provider ID',
		name: 'clinicalProviderId',
		type: 'string',
		default: '',
		description:
			"The clinical provider (a lab, pharmacy or outside provider from athena's master list) the case concerns",
	},
	{
		displayName: 'Internal Note',
		name: 'internalNote',
		type: 'string',
		typeOptions: { rows: 4 },
		default: '',
		description: `The body of the patient case: what the caller needs (at most ${INTERNAL_NOTE_MAX} characters). On Update, athena's guide says a sent field overwrites what the case held, while its API reference says a new internal note is appended to the earlier ones: read the case back if it matters.`,
	},
	{
		displayName: 'Outbound Only',
		name: 'outboundOnly',
		type: 'boolean',
		default: false,
		description: 'Whether the case records a call the practice made, rather than one it received',
	},
	{
		displayName: 'Priority',
		name: 'priority',
		type: 'options',
		options: PRIORITIES.map(({ name, value }) => ({ name, value })),
		default: '2',
		description: 'How urgently the case should be handled',
	},
	{
		displayName: 'Subject',
		name: 'subject',
		type: 'string',
		default: '',
		description: `A one-line summary shown in the practice's inbox (at most ${TEXT_LIMITS.subject} characters)`,
	},
];

/** Update may change the required fields of Create too (but not the department: see update.operation). */
export const updatableRequiredOptions: INodeProperties[] = [
	{ ...subclassField, required: false },
	{ ...providerField, required: false },
	{ ...sourceField, required: false },
];

const PHONE = /^[0-9+().\- ]{3,}$/;

/** Checks for the optional fields above; each becomes undefined when left empty. */
export const sharedCaseSchema = {
	callbackName: optionalValue(singleLine(TEXT_LIMITS.callbackName)),
	callbackNumber: optionalValue(
		singleLine(TEXT_LIMITS.callbackNumber).refine(
			(text) => PHONE.test(text),
			'must be a phone number: digits, spaces and + - ( ) . only',
		),
	),
	callbackNumberType: legacy('callbackNumberType', optionalOneOf(CALLBACK_NUMBER_TYPES)),
	clinicalProviderId: optionalId,
	internalNote: optionalValue(multiLine(INTERNAL_NOTE_MAX)),
	outboundOnly: z.boolean().optional(),
	priority: optionalOneOf(
		PRIORITIES.map(({ value }) => value),
		(value) => `${value} (${PRIORITIES.find((entry) => entry.value === value)?.name})`,
	),
	subject: optionalValue(singleLine(TEXT_LIMITS.subject)),
};

export const documentSourceSchema = oneOf(DOCUMENT_SOURCES);
export const documentSubclassSchema = legacy('documentSubclass', oneOf(DOCUMENT_SUBCLASSES));

/** `schema` after mapping a value an earlier version of the node saved to the athena value it meant. */
export function legacy(field: string, schema: z.ZodTypeAny) {
	return z.preprocess((value) => upgradeLegacy(field, value), schema);
}

function titleCase(value: string): string {
	return value.replace(/\b[a-z]/g, (letter) => letter.toUpperCase());
}

/** docs/athena-contract.md#patient-cases: callbacknumber is not taken together with callbacknumbertype. */
export function callbackExclusive(
	fields: { callbackNumber?: string; callbackNumberType?: string },
	ctx: z.RefinementCtx,
) {
	if (fields.callbackNumber !== undefined && fields.callbackNumberType !== undefined) {
		ctx.addIssue({
			code: z.ZodIssueCode.custom,
			path: ['callbackNumberType'],
			message: 'cannot be sent together with Callback Number: athena takes one or the other',
		});
	}
}

/** athena's form names for the node's parameter names. */
export const ATHENA_NAMES = {
	autoClose: 'autoclose',
	callbackName: 'callbackname',
	callbackNumber: 'callbacknumber',
	callbackNumberType: 'callbacknumbertype',
	clinicalProviderId: 'clinicalproviderid',
	departmentId: 'departmentid',
	documentSource: 'documentsource',
	documentSubclass: 'documentsubclass',
	internalNote: 'internalnote',
	outboundOnly: 'outboundonly',
	priority: 'priority',
	providerId: 'providerid',
	subject: 'subject',
} as const;

export type CaseField = keyof typeof ATHENA_NAMES;

/** The form athena receives: set fields only, under athena's names. */
export function toAthenaForm(
	fields: Partial<Record<CaseField, string | number | boolean>>,
): IDataObject {
	const form: IDataObject = {};
	for (const name of Object.keys(ATHENA_NAMES) as CaseField[]) {
		if (fields[name] !== undefined) form[ATHENA_NAMES[name]] = fields[name];
	}
	return form;
}

/** Free-text values sent, which athena must never echo into an error (request layer redacts them). */
export function sentText(fields: Record<string, unknown>): string[] {
	return ['subject', 'internalNote', 'callbackName', 'callbackNumber']
		.map((name) => fields[name])
		.filter((value): value is string => typeof value === 'string' && value !== '');
}

/** Return All and Limit, as n8n's list operations offer them; `max` is what the operation reads at most. */
export function returnAllFields(max: number): INodeProperties[] {
	return [
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
			typeOptions: { minValue: 1, maxValue: max },
			default: 50,
			description: 'Max number of results to return',
			displayOptions: { show: { returnAll: [false] } },
		},
	];
}

export function limitSchema(max: number) {
	return z
		.number()
		.int('must be a whole number')
		.min(1, 'must be at least 1')
		.max(max, `must be at most ${max}`);
}
