import type { IDataObject, ILoadOptionsFunctions, INodePropertyOptions } from 'n8n-workflow';

import { getAvailableEvents } from '../common/subscriptionApi';
import { allEvents, FEEDS } from '../feeds/catalog';
import { athenaRequest } from '../transport/request';

/**
 * Pickers loaded from the practice. Shared by the action node and the trigger: both name their
 * feed parameter `feed`. Values are strings, as n8n options are; the operations check them again.
 */

/** athena lists departments and providers in pages; practices rarely have more than a few hundred. */
const PAGE_SIZE = 1000;
const MAX_PAGES = 10;

export async function listAll(
	context: ILoadOptionsFunctions,
	path: string,
	key: string,
): Promise<IDataObject[]> {
	const all: IDataObject[] = [];
	for (let page = 0; page < MAX_PAGES; page++) {
		const { body } = await athenaRequest.call(context, {
			method: 'GET',
			path,
			qs: { limit: PAGE_SIZE, offset: all.length },
		});
		const found = Array.isArray(body[key]) ? (body[key] as IDataObject[]) : [];
		all.push(...found);
		if (found.length < PAGE_SIZE || all.length >= Number(body.totalcount ?? Infinity)) break;
	}
	return all;
}

export function byName(a: INodePropertyOptions, b: INodePropertyOptions): number {
	return a.name.localeCompare(b.name);
}

/** A department as a picker shows it: its name and id. Shared with the searchable lists (listSearch.ts). */
export function departmentOption(department: IDataObject): INodePropertyOptions {
	return {
		name: `${String(department.name ?? department.patientdepartmentname ?? 'Department')} (${String(department.departmentid)})`,
		value: String(department.departmentid),
	};
}

export function providerOption(provider: IDataObject): INodePropertyOptions {
	const name =
		provider.displayname ?? [provider.firstname, provider.lastname].filter(Boolean).join(' ');
	return {
		name: `${String(name || 'Provider')} (${String(provider.providerid)})`,
		value: String(provider.providerid),
		description: typeof provider.specialty === 'string' ? provider.specialty : undefined,
	};
}

export async function getDepartments(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	const departments = await listAll(this, 'departments', 'departments');
	return departments.map(departmentOption).sort(byName);
}

export async function getProviders(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	const providers = await listAll(this, 'providers', 'providers');
	return providers.map(providerOption).sort(byName);
}

/** Event names athena offers for the selected feed; the catalog's when athena cannot be asked. */
export async function getFeedEvents(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	const feed = FEEDS.find((candidate) => candidate.id === this.getCurrentNodeParameter('feed'));
	if (!feed) return [];
	let events: string[];
	try {
		events = await getAvailableEvents.call(this, feed);
	} catch {
		// The editor must keep working offline or without permission: the catalog knows the events too.
		events = allEvents(feed);
	}
	return events.map((event) => ({ name: event, value: event }));
}

/**
 * `GET reference/documents/patientcase/closereasons?patientcaseid=N`: athena lists the reasons of
 * one case, as `[{reason, reasonid}]` (docs/athena-contract.md#patient-cases). Empty until the
 * case ID is a number (an expression is resolved only when the node runs).
 */
export async function getCloseReasons(
	this: ILoadOptionsFunctions,
): Promise<INodePropertyOptions[]> {
	const caseId = String(
		this.getCurrentNodeParameter('patientCaseId', { extractValue: true }) ?? '',
	).trim();
	if (!/^[1-9]\d{0,9}$/.test(caseId)) return [];
	const { body } = await athenaRequest.call(this, {
		method: 'GET',
		path: 'reference/documents/patientcase/closereasons',
		qs: { patientcaseid: caseId },
	});
	const list = (
		Array.isArray(body) ? body : (Object.values(body).find(Array.isArray) ?? [])
	) as IDataObject[];
	return list
		.filter((reason) => reason.reasonid !== undefined && reason.reasonid !== null)
		.map((reason) => ({
			name: String(reason.reason ?? reason.reasonid),
			value: String(reason.reasonid),
		}));
}
