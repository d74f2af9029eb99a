import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

/**
 * The ids a patient-case operation acts on, as resource locators ("From list" searches athena,
 * "By ID" takes the number). A workflow saved before the locators holds a plain value (an id or an
 * expression): n8n hands that through unchanged, so it keeps working.
 */

const ID_PATTERN = '^[1-9][0-9]{0,9}$';
/** An optional locator may stay empty in "By ID" too. */
const OPTIONAL_ID_PATTERN = '^([1-9][0-9]{0,9})?$';

function idLocator(options: {
	displayName: string;
	name: string;
	searchListMethod: string;
	description: string;
	listPlaceholder: string;
	idPlaceholder: string;
	/** athena's patient search needs a term: nothing is listed before the user types. */
	searchFilterRequired?: boolean;
	/** Not required; its "By ID" accepts an empty value. */
	optional?: boolean;
}): INodeProperties {
	return {
		displayName: options.displayName,
		name: options.name,
		type: 'resourceLocator',
		required: !options.optional,
		default: { mode: 'list', value: '' },
		description: options.description,
		modes: [
			{
				displayName: 'From List',
				name: 'list',
				type: 'list',
				placeholder: options.listPlaceholder,
				typeOptions: {
					searchListMethod: options.searchListMethod,
					searchable: true,
					searchFilterRequired: options.searchFilterRequired ?? false,
				},
			},
			{
				displayName: 'By ID',
				name: 'id',
				type: 'string',
				placeholder: options.idPlaceholder,
				validation: [
					{
						type: 'regex',
						properties: {
							regex: options.optional ? OPTIONAL_ID_PATTERN : ID_PATTERN,
							errorMessage: 'Enter a positive whole number, such as 1234',
						},
					},
				],
			},
		],
	};
}

export const patientLocator = idLocator({
	displayName: 'Patient',
	name: 'patientId',
	searchListMethod: 'searchPatients',
	description:
		'The patient the case is about: search by name (or full patient ID), or enter the athenaNet patient ID',
	listPlaceholder: 'Type a name or a patient ID',
	idPlaceholder: 'e.g. 1234',
	searchFilterRequired: true,
});

/**
 * The action-note operations take the case alone (docs/athena-contract.md#patient-cases): this
 * optional Patient only lets "From list" of Patient Case list that patient's cases. It is never
 * read when the node runs, so workflows saved without it run as before.
 */
export const casePickerPatientLocator = idLocator({
	displayName: 'Patient',
	name: 'patientId',
	searchListMethod: 'searchPatients',
	description:
		"Optional: only to list this patient's cases in Patient Case below. Not sent to athena: action notes need the case ID alone.",
	listPlaceholder: 'Type a name or a patient ID',
	idPlaceholder: 'e.g. 1234',
	searchFilterRequired: true,
	optional: true,
});

export const patientCaseLocator = idLocator({
	displayName: 'Patient Case',
	name: 'patientCaseId',
	searchListMethod: 'searchPatientCases',
	description:
		"The patient case: pick one of the chosen patient's cases (open ones first), or enter its ID as Create or Get Many return it",
	listPlaceholder: 'Choose a case of the patient above',
	idPlaceholder: 'e.g. 173696',
});

export function departmentLocator(purpose: string): INodeProperties {
	return idLocator({
		displayName: 'Department',
		name: 'departmentId',
		searchListMethod: 'searchDepartments',
		description: `${purpose}. Search by name, or enter the department ID.`,
		listPlaceholder: 'Type a department name',
		idPlaceholder: 'e.g. 1',
	});
}

export const providerLocator = idLocator({
	displayName: 'Provider',
	name: 'providerId',
	searchListMethod: 'searchProviders',
	description: 'The provider the case is intended for. Search by name, or enter the provider ID.',
	listPlaceholder: 'Type a provider name',
	idPlaceholder: 'e.g. 4',
});

/** A locator's value (its id), or the plain value of a workflow saved before the locators. */
export function readLocator(context: IExecuteFunctions, name: string, itemIndex: number): unknown {
	return context.getNodeParameter(name, itemIndex, '', { extractValue: true });
}

/** A collection's values with any locator (Update's Provider) replaced by its id. */
export function locatorValues(fields: IDataObject): IDataObject {
	const out: IDataObject = {};
	for (const [key, value] of Object.entries(fields)) {
		const locator =
			typeof value === 'object' &&
			value !== null &&
			!Array.isArray(value) &&
			'mode' in value &&
			'value' in value;
		out[key] = locator ? ((value as IDataObject).value as IDataObject[string]) : value;
	}
	return out;
}
