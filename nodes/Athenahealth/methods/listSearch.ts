import type {
	IDataObject,
	ILoadOptionsFunctions,
	INodeListSearchItems,
	INodeListSearchResult,
} from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { hasControl } from '../common/validation';
import { isOpenStatus } from '../reference/patientCase';
import { athenaRequest } from '../transport/request';
import { byName, departmentOption, listAll, providerOption } from './loadOptions';

/**
 * The searchable lists of the resource locators ("From list"), called by the editor as the user
 * types. What is typed and what athena answers are patient data: neither is ever logged, and
 * neither goes into an error (docs/athena-contract.md#patient-cases).
 */

/** athena's default and our page: enough to pick from, small enough to answer while typing. */
export const PATIENT_SEARCH_MAX = 50;
/** Cases a patient's list shows at most (open ones first). */
const CASE_LIST_MAX = 100;

const ID = /^[1-9]\d{0,9}$/;

type Context = ILoadOptionsFunctions;

/** An id parameter of the node being edited, whichever mode it is in; undefined unless digits. */
function currentId(context: Context, name: string): string | undefined {
	let value: unknown;
	try {
		value = context.getCurrentNodeParameter(name, { extractValue: true });
	} catch {
		return undefined;
	}
	const text =
		typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : '';
	return ID.test(text) ? text : undefined;
}

/**
 * The error a search shows: athena's status and nothing of the request or the answer, since
 * athena's words may quote the search term.
 */
function searchFailed(context: Context, what: string, error: unknown): NodeOperationError {
	const status = (error as { httpCode?: string | null }).httpCode;
	const because = status ? `athena answered ${status}` : 'athena could not be reached';
	return new NodeOperationError(
		context.getNode(),
		`The ${what} could not be searched: ${because}`,
		{
			description:
				status === '403'
					? 'athena may not have enabled this call for the practice or the API client. Choose "By ID" and enter the ID instead.'
					: 'Check the credential, or choose "By ID" and enter the ID instead.',
		},
	);
}

function recordsOf(body: unknown, key: string): IDataObject[] {
	if (Array.isArray(body)) return body as IDataObject[];
	const list = (body as IDataObject | undefined)?.[key];
	return Array.isArray(list) ? (list as IDataObject[]) : [];
}

/** "Avery Alvarez · born 01/01/1940 · ID 1": name, date of birth and id, as front desks tell patients apart. */
function patientItem(patient: IDataObject): INodeListSearchItems | undefined {
	const id = String(patient.patientid ?? '');
	if (!ID.test(id)) return undefined;
	const name =
		[patient.firstname, patient.lastname]
			.filter((part) => typeof part === 'string' && part)
			.join(' ') || 'Patient';
	const born = typeof patient.dob === 'string' && patient.dob ? ` · born ${patient.dob}` : '';
	return { name: `${name}${born} · ID ${id}`, value: id };
}

/**
 * `GET patients/search?searchterm=&maxresults=`: a partial name or a full patient id. Nothing is
 * asked before the user types (athena requires a term); a term with control characters is not sent.
 */
export async function searchPatients(
	this: Context,
	filter?: string,
): Promise<INodeListSearchResult> {
	const term = (filter ?? '').trim();
	if (term.length < 2 && !ID.test(term)) return { results: [] };
	if (term.length > 100 || hasControl(term, false)) return { results: [] };
	let body: unknown;
	try {
		({ body } = await athenaRequest.call(this, {
			method: 'GET',
			path: 'patients/search',
			qs: { searchterm: term, maxresults: PATIENT_SEARCH_MAX },
			redact: [term],
		}));
	} catch (error) {
		throw searchFailed(this, 'patients', error);
	}
	const results = recordsOf(body, 'patients')
		.map(patientItem)
		.filter((item): item is INodeListSearchItems => item !== undefined);
	return { results };
}

/** Open means neither closed nor deleted: athena's open cases read REVIEW and others (docs/athena-contract.md#patient-case-values). */
function isOpen(patientCase: IDataObject): boolean {
	return isOpenStatus(patientCase.status);
}

function caseItem(patientCase: IDataObject): INodeListSearchItems {
	const id = String(patientCase.patientcaseid);
	const subject =
		typeof patientCase.subject === 'string' && patientCase.subject
			? patientCase.subject
			: 'No subject';
	const status = String(patientCase.status ?? 'unknown status');
	return { name: `${subject} · ${status} · ID ${id}`, value: id };
}

/**
 * What the case list shows before a patient is chosen: n8n puts the message under its "Could not
 * load list". It asks nothing of athena.
 */
function noPatientChosen(context: Context): NodeOperationError {
	return new NodeOperationError(
		context.getNode(),
		'Choose a patient in the Patient field to list their cases here',
		{
			description:
				'Search the patient by name or enter their patient ID, then open this list again. Or choose "By ID" and enter the case ID.',
		},
	);
}

/** The chart a case list reads: the node's department when it has one, else the patient's registration department. */
async function chartDepartment(context: Context, patientId: string): Promise<string | undefined> {
	const chosen = currentId(context, 'departmentId');
	if (chosen) return chosen;
	const { body } = await athenaRequest.call(context, {
		method: 'GET',
		path: `patients/${patientId}`,
	});
	const patient = (Array.isArray(body) ? body[0] : body) as IDataObject | undefined;
	const department = String(patient?.departmentid ?? patient?.primarydepartmentid ?? '');
	return ID.test(department) ? department : undefined;
}

/**
 * The chosen patient's cases, open ones first, newest first: subject, status and id. athena lists
 * a chart by department (docs/athena-contract.md#patient-cases); without a department field the
 * patient's registration department is used, so a case filed in another chart is entered by ID.
 */
export async function searchPatientCases(
	this: Context,
	filter?: string,
): Promise<INodeListSearchResult> {
	const patientId = currentId(this, 'patientId');
	// n8n shows an empty list as "No results", which reads as "this patient has no cases": say what is missing.
	if (!patientId) throw noPatientChosen(this);
	let cases: IDataObject[];
	try {
		const departmentId = await chartDepartment(this, patientId);
		if (!departmentId) return { results: [] };
		const { body } = await athenaRequest.call(this, {
			method: 'GET',
			path: `patients/${patientId}/documents/patientcase`,
			qs: { departmentid: departmentId, limit: CASE_LIST_MAX },
		});
		cases = recordsOf(body, 'patientcases');
	} catch (error) {
		throw searchFailed(this, "patient's cases", error);
	}
	const wanted = (filter ?? '').trim().toLowerCase();
	const results = cases
		.filter((patientCase) => ID.test(String(patientCase.patientcaseid ?? '')))
		.filter(
			(patientCase) =>
				!wanted ||
				String(patientCase.patientcaseid) === wanted ||
				String(patientCase.subject ?? '')
					.toLowerCase()
					.includes(wanted),
		)
		.sort(
			(a, b) =>
				Number(isOpen(b)) - Number(isOpen(a)) || Number(b.patientcaseid) - Number(a.patientcaseid),
		)
		.map(caseItem);
	return { results };
}

/** A practice's list filtered by what was typed (athena's lists take no name filter): name or id. */
function filtered(options: INodeListSearchItems[], filter?: string): INodeListSearchResult {
	const wanted = (filter ?? '').trim().toLowerCase();
	const results = wanted
		? options.filter(
				(option) => String(option.value) === wanted || option.name.toLowerCase().includes(wanted),
			)
		: options;
	return { results };
}

export async function searchDepartments(
	this: Context,
	filter?: string,
): Promise<INodeListSearchResult> {
	const departments = await listAll(this, 'departments', 'departments');
	return filtered(departments.map(departmentOption).sort(byName) as INodeListSearchItems[], filter);
}

export async function searchProviders(
	this: Context,
	filter?: string,
): Promise<INodeListSearchResult> {
	const providers = await listAll(this, 'providers', 'providers');
	return filtered(providers.map(providerOption).sort(byName) as INodeListSearchItems[], filter);
}
