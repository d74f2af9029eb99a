/** Patient cases (seeds/000, athena-api.md): create, update, read, list, close and reopen. */
import { getFeed } from '../../nodes/Athenahealth/feeds/catalog';
import {
	CALLBACK_NUMBER_TYPES,
	CASE_STATUSES,
	DOCUMENT_SOURCES,
	DOCUMENT_SUBCLASSES,
	INTERNAL_NOTE_MAX,
	PRIORITIES,
} from '../../nodes/Athenahealth/reference/patientCase';
import type { SandboxClock } from './clock';
import { formatEastern } from './eastern';
import type { FeedStore } from './feeds';
import {
	countParam,
	flagParam,
	jsonReply,
	param,
	refuse,
	refuseEnum,
	refuseInvalid,
	refuseMissing,
	type Handler,
	type RequestContext,
} from './protocol';
import { toFeedRecord } from './records';
import { CLOSE_REASONS, FIRST_NEW_CASE_ID, seedCases, type ApiClient, type SeedData } from './seed';

export type CaseStatus = (typeof CASE_STATUSES)[number];

export interface PatientCase {
	patientcaseid: number;
	patientid: string;
	departmentid: string;
	providerid: string;
	documentsource: string;
	documentsubclass: string;
	subject?: string;
	internalnote?: string;
	priority?: string;
	callbackname?: string;
	callbacknumber?: string;
	callbacknumbertype?: string;
	clinicalproviderid?: string;
	outboundonly?: boolean;
	status: CaseStatus;
	closereasonid?: number;
	closenote?: string;
	createdAt: number;
	modifiedAt: number;
	/** athenaNet users' cases cannot be updated through the API (seed). */
	createdvia: 'API' | 'ATHENANET';
	/** The API client that created the case: only it may update the case (seed). */
	creatorClientId?: string;
	createdby: string;
}

type Field =
	| { kind: 'text'; max?: number }
	| { kind: 'enum'; values: readonly string[]; athenaName: string }
	| { kind: 'boolean' }
	| { kind: 'provider' }
	| { kind: 'department' };

/** Every field create accepts; update takes the same ones minus NOT_UPDATABLE (athena-api.md [S]). */
const FIELDS: Record<string, Field> = {
	departmentid: { kind: 'department' },
	providerid: { kind: 'provider' },
	documentsource: { kind: 'enum', values: DOCUMENT_SOURCES, athenaName: 'SOURCE' },
	documentsubclass: { kind: 'enum', values: DOCUMENT_SUBCLASSES, athenaName: 'SUBCLASS' },
	subject: { kind: 'text' },
	internalnote: { kind: 'text', max: INTERNAL_NOTE_MAX },
	priority: { kind: 'enum', values: PRIORITIES.map((priority) => priority.value), athenaName: 'PRIORITY' },
	callbackname: { kind: 'text' },
	callbacknumber: { kind: 'text' },
	callbacknumbertype: { kind: 'enum', values: CALLBACK_NUMBER_TYPES, athenaName: 'CALLBACKNUMBERTYPE' },
	clinicalproviderid: { kind: 'provider' },
	outboundonly: { kind: 'boolean' },
	autoclose: { kind: 'boolean' },
};
const REQUIRED_ON_CREATE = ['departmentid', 'providerid', 'documentsource', 'documentsubclass'];
const NOT_UPDATABLE = ['departmentid', 'autoclose'];
/** Fields a case must keep: an update may change them but not empty them. */
const NOT_CLEARABLE = new Set(REQUIRED_ON_CREATE);

const CASE_FEED = getFeed('documents/patientcase');
/** Catalog order: the add event first, the update event second. */
const [CASE_ADDED, CASE_UPDATED] = CASE_FEED.events;

type FieldValues = Partial<Record<string, string | boolean | undefined>>;

export class PatientCaseStore {
	readonly cases = new Map<number, PatientCase>();
	private nextId = FIRST_NEW_CASE_ID;

	constructor(
		private readonly clock: SandboxClock,
		private readonly seed: SeedData,
		private readonly feeds: FeedStore,
		private readonly clients: readonly ApiClient[],
	) {
		this.reset();
	}

	reset(): void {
		this.cases.clear();
		for (const seeded of seedCases(this.clients, this.clock.now())) this.cases.set(seeded.patientcaseid, seeded);
		this.nextId = FIRST_NEW_CASE_ID;
	}

	/** `POST .../patients/{patientid}/documents/patientcase` */
	readonly create: Handler = (ctx, [patientId]) => {
		this.patient(patientId);
		const missing = REQUIRED_ON_CREATE.filter((name) => param(ctx.params, name) === undefined);
		if (missing.length) refuseMissing(missing);
		const values = this.validate(ctx, Object.keys(FIELDS).filter((name) => param(ctx.params, name) !== undefined));
		const now = this.clock.now();
		const created: PatientCase = {
			patientcaseid: this.nextId++,
			patientid: patientId,
			departmentid: String(values.departmentid),
			providerid: String(values.providerid),
			documentsource: String(values.documentsource),
			documentsubclass: String(values.documentsubclass),
			status: values.autoclose === true ? 'CLOSED' : 'OPEN',
			createdAt: now,
			modifiedAt: now,
			createdvia: 'API',
			creatorClientId: ctx.clientId,
			createdby: `API-${ctx.clientId}`,
		};
		assign(created, values);
		this.cases.set(created.patientcaseid, created);
		this.publish(created, CASE_ADDED);
		return jsonReply(200, { success: true, patientcaseid: created.patientcaseid });
	};

	/** `PUT .../documents/patientcase/{id}`: only the fields sent change, a sent field overwrites (seed). */
	readonly update: Handler = (ctx, [patientId, caseId]) => {
		const existing = this.existing(patientId, caseId);
		if (existing.createdvia !== 'API') {
			refuse(403, 'This patient case was not created through the API and cannot be updated.', ONLY_OWN_CASES);
		}
		if (existing.creatorClientId !== ctx.clientId) {
			refuse(403, 'This patient case was created by another API client and cannot be updated.', ONLY_OWN_CASES);
		}
		if (existing.status !== 'OPEN') {
			refuse(400, `A ${existing.status.toLowerCase()} patient case cannot be updated.`, `Patient case ${existing.patientcaseid} is ${existing.status}.`);
		}
		const notUpdatable = NOT_UPDATABLE.filter((name) => ctx.params.has(name));
		if (notUpdatable.length) refuseInvalid(`These fields cannot be updated: ${notUpdatable.join(', ')}.`);
		const sent = Object.keys(FIELDS).filter((name) => ctx.params.has(name));
		if (!sent.length) refuse(400, 'Additional fields are required.', 'Send at least one field to update.');
		const values = this.validate(ctx, sent);
		assign(existing, values);
		existing.modifiedAt = this.clock.now();
		this.publish(existing, CASE_UPDATED);
		return jsonReply(200, { success: true, patientcaseid: existing.patientcaseid });
	};

	/** `GET .../documents/patientcase/{id}` */
	readonly get: Handler = (_ctx, [patientId, caseId]) => jsonReply(200, caseView(this.existing(patientId, caseId)));

	/** `GET .../patients/{patientid}/documents/patientcase?departmentid=` */
	readonly list: Handler = (ctx, [patientId]) => {
		this.patient(patientId);
		const { params } = ctx;
		const departmentId = param(params, 'departmentid') ?? refuseMissing(['departmentid']);
		this.department(departmentId);
		const status = param(params, 'status');
		if (status !== undefined && !(CASE_STATUSES as readonly string[]).includes(status)) refuseEnum(status, 'STATUS');
		const subclass = param(params, 'documentsubclass');
		if (subclass !== undefined && !(DOCUMENT_SUBCLASSES as readonly string[]).includes(subclass)) refuseEnum(subclass, 'SUBCLASS');
		const showDeleted = flagParam(params, 'showdeleted');
		const offset = countParam(params, 'offset') ?? 0;
		const limit = countParam(params, 'limit') ?? 1500;
		// departmentid picks the chart in athena; the sandbox has one chart per patient, so it only validates.
		const matching = [...this.cases.values()]
			.filter(
				(candidate) =>
					candidate.patientid === patientId &&
					(showDeleted || candidate.status !== 'DELETED') &&
					(status === undefined || candidate.status === status) &&
					(subclass === undefined || candidate.documentsubclass === subclass),
			)
			.sort((a, b) => a.patientcaseid - b.patientcaseid);
		return jsonReply(200, { totalcount: matching.length, patientcases: matching.slice(offset, offset + limit).map(caseView) });
	};

	/** `PUT .../documents/patientcase/{id}/close` with a close reason. */
	readonly close: Handler = (ctx, [patientId, caseId]) => {
		const existing = this.existing(patientId, caseId);
		if (existing.status === 'DELETED') refuse(400, 'A deleted patient case cannot be closed.', `Patient case ${existing.patientcaseid} is DELETED.`);
		if (existing.status === 'CLOSED') refuse(400, 'The patient case is already closed.', `Patient case ${existing.patientcaseid} is CLOSED.`);
		const reasonId = param(ctx.params, 'actionreasonid') ?? refuseMissing(['actionreasonid']);
		const reason = CLOSE_REASONS.find((candidate) => String(candidate.actionreasonid) === reasonId);
		if (!reason) refuseInvalid(`The value '${reasonId}' is not a valid ACTIONREASONID.`);
		existing.status = 'CLOSED';
		existing.closereasonid = reason.actionreasonid;
		existing.closenote = param(ctx.params, 'actionnote');
		this.touch(existing);
		return jsonReply(200, { success: true });
	};

	/** `PUT .../documents/patientcase/{id}/reopen` */
	readonly reopen: Handler = (_ctx, [patientId, caseId]) => {
		const existing = this.existing(patientId, caseId);
		if (existing.status === 'DELETED') refuse(400, 'A deleted patient case cannot be reopened.', `Patient case ${existing.patientcaseid} is DELETED.`);
		if (existing.status === 'OPEN') refuse(400, 'The patient case is already open.', `Patient case ${existing.patientcaseid} is OPEN.`);
		existing.status = 'OPEN';
		existing.closereasonid = undefined;
		existing.closenote = undefined;
		this.touch(existing);
		return jsonReply(200, { success: true });
	};

	private touch(changed: PatientCase): void {
		changed.modifiedAt = this.clock.now();
		this.publish(changed, CASE_UPDATED);
	}

	/** Every write reaches the patient-case feed of each subscribed client (event and department scopes apply). */
	private publish(changed: PatientCase, event: string): void {
		const { internalnote: _note, ...record } = caseView(changed);
		record[CASE_FEED.idField] = String(changed.patientcaseid);
		if (CASE_FEED.modifiedField) record[CASE_FEED.modifiedField] = formatEastern(changed.modifiedAt);
		this.feeds.publish(CASE_FEED, event, [toFeedRecord(record, changed.departmentid)]);
	}

	private patient(patientId: string): void {
		if (!this.seed.patients.has(patientId)) refuse(404, 'The patient ID is invalid.', `Patient ${patientId} does not exist.`);
	}

	private department(departmentId: string): void {
		if (!this.seed.departmentIds.has(departmentId)) refuseInvalid(`The value '${departmentId}' is not a valid DEPARTMENTID.`);
	}

	/** The case, provided it belongs to the patient in the path (else 404, as if unknown). */
	private existing(patientId: string, caseId: string): PatientCase {
		this.patient(patientId);
		const found = this.cases.get(Number(caseId));
		if (!found || found.patientid !== patientId) {
			refuse(404, 'The patient case ID is invalid.', `Patient case ${caseId} does not exist for patient ${patientId}.`);
		}
		return found;
	}

	/** Checks the named fields in FIELDS order; an empty value clears an optional field. */
	private validate(ctx: RequestContext, names: readonly string[]): FieldValues {
		const values: FieldValues = {};
		for (const name of names) {
			const raw = ctx.params.get(name) ?? '';
			const field = FIELDS[name];
			if (raw === '' && !NOT_CLEARABLE.has(name)) {
				values[name] = undefined;
				continue;
			}
			switch (field.kind) {
				case 'text':
					// The length, never the text: notes carry patient data.
					if (field.max !== undefined && raw.length > field.max) {
						refuseInvalid(`${name.toUpperCase()} is limited to ${field.max} characters; ${raw.length} were sent.`);
					}
					values[name] = raw;
					break;
				case 'enum':
					if (!field.values.includes(raw)) refuseEnum(raw, field.athenaName);
					values[name] = raw;
					break;
				case 'boolean':
					if (!/^(true|false)$/i.test(raw)) refuseInvalid(`The value '${raw}' is not a valid boolean for ${name.toUpperCase()}.`);
					values[name] = raw.toLowerCase() === 'true';
					break;
				case 'provider':
					if (!this.seed.providerIds.has(raw)) refuseInvalid(`The value '${raw}' is not a valid ${name.toUpperCase()}.`);
					values[name] = raw;
					break;
				case 'department':
					this.department(raw);
					values[name] = raw;
					break;
			}
		}
		if (values.callbacknumber !== undefined && values.callbacknumbertype !== undefined) {
			refuseInvalid('CALLBACKNUMBER and CALLBACKNUMBERTYPE cannot be sent together.');
		}
		return values;
	}
}

const ONLY_OWN_CASES = 'Only patient cases created through the API by the same API client can be updated.';

/** Writes validated values onto a case; autoclose is an instruction, not a stored field. */
function assign(target: PatientCase, values: FieldValues): void {
	const { autoclose: _autoclose, ...fields } = values;
	Object.assign(target, fields);
}

/** The case as athena's GET shows it: empty fields omitted, timestamps in Eastern time. */
export function caseView(shown: PatientCase): Record<string, unknown> {
	const view: Record<string, unknown> = {
		patientcaseid: shown.patientcaseid,
		patientid: shown.patientid,
		departmentid: shown.departmentid,
		providerid: shown.providerid,
		documentclass: 'PATIENTCASE',
		documentsource: shown.documentsource,
		documentsubclass: shown.documentsubclass,
		subject: shown.subject,
		internalnote: shown.internalnote,
		priority: shown.priority,
		status: shown.status,
		callbackname: shown.callbackname,
		callbacknumber: shown.callbacknumber,
		callbacknumbertype: shown.callbacknumbertype,
		clinicalproviderid: shown.clinicalproviderid,
		outboundonly: shown.outboundonly,
		closereasonid: shown.closereasonid,
		closenote: shown.closenote,
		createddatetime: formatEastern(shown.createdAt),
		lastmodifieddatetime: formatEastern(shown.modifiedAt),
		createdby: shown.createdby,
	};
	for (const key of Object.keys(view)) if (view[key] === undefined) delete view[key];
	return view;
}
