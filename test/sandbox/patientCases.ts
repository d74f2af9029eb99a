/**
 * Patient cases as athena answers them (docs/athena-contract.md#patient-cases, #patient-case-values,
 * #errors): create, update, read, list, close (with the case's close reasons), reopen, assign and
 * action notes. Where athena's behaviour is unconfirmed, `PatientCaseBehaviour` switches it.
 */
import { z } from 'zod';
import { getFeed } from '../../nodes/Athenahealth/feeds/catalog';
import {
	CALLBACK_NUMBER_TYPES,
	CASE_STATUSES,
	DOCUMENT_SOURCES,
	DOCUMENT_SUBCLASSES,
	ENDED_STATUSES,
	INTERNAL_NOTE_MAX,
	NEW_CASE_STATUS,
	PRIORITIES,
	sentSubclass,
	storedSubclass,
	type CaseStatus,
} from '../../nodes/Athenahealth/reference/patientCase';
import type { SandboxClock } from './clock';
import { formatEastern, formatEasternIso } from './eastern';
import type { FeedStore } from './feeds';
import {
	countParam,
	flagParam,
	jsonReply,
	param,
	refuse,
	refuseEnum,
	refuseInvalid,
	refuseInvalidFields,
	refuseMissing,
	type Handler,
	type RequestContext,
} from './protocol';
import { toFeedRecord } from './records';
import {
	apiUserOf,
	ATHENANET_USERS,
	closeReasonsFor,
	FIRST_NEW_CASE_ID,
	seedCases,
	type ApiClient,
	type SeedData,
} from './seed';

export type { CaseStatus };

/** Switches for what athena does that no public source shows (docs/athena-contract.md#unconfirmed). */
export const patientCaseBehaviourSchema = z
	.object({
		/** `internalnote` on update: the guide says a sent field overwrites; the spec says notes append. */
		internalNoteOnUpdate: z.enum(['overwrite', 'append']).default('overwrite'),
		/** Fields close does not define (e.g. `actionnote`): dropped silently, or refused. */
		closeExtraFields: z.enum(['ignore', 'refuse']).default('ignore'),
		/** Which subclass form the list's `documentsubclass` filter matches: the sent one or the stored one. */
		subclassFilter: z.enum(['sent', 'stored']).default('sent'),
		/** The list answer: `{totalcount, patientcases}` (spec) or a bare array. */
		listShape: z.enum(['object', 'array']).default('object'),
	})
	.strict();

export type PatientCaseBehaviour = z.output<typeof patientCaseBehaviourSchema>;

export interface ActionNote {
	actionnote: string;
	createdby: string;
	createdAt: number;
	status: string;
	priority?: string;
	assignedto?: string;
}

export interface PatientCase {
	patientcaseid: number;
	patientid: string;
	departmentid: string;
	providerid: string;
	documentsource: string;
	/** Stored form: `PATIENTCASE_<X>`. */
	documentsubclass: string;
	subject?: string;
	internalnote?: string;
	priority?: string;
	callbackname?: string;
	callbacknumber?: string;
	callbacknumbertype?: string;
	clinicalproviderid?: string;
	outboundonly?: boolean;
	assignedto?: string;
	status: CaseStatus;
	createdAt: number;
	modifiedAt: number;
	deletedAt?: number;
	/** `API-<number>` for API users, an athenaNet user name otherwise. */
	createduser: string;
	lastmodifieduser: string;
	/** athenaNet users' cases cannot be updated through the API (seed). */
	createdvia: 'API' | 'ATHENANET';
	/** The API client that created the case: only it may update the case (seed). Sandbox bookkeeping, never shown. */
	creatorClientId?: string;
	/** The reason the case was closed with (sandbox bookkeeping: athena shows none on the case). */
	closeReasonId?: number;
	actionNotes: ActionNote[];
}

type Field =
	| { kind: 'text'; max?: number }
	| { kind: 'enum'; values: readonly string[]; athenaName: string }
	| { kind: 'boolean' }
	| { kind: 'provider' }
	| { kind: 'department' };

/** Every field create accepts; update takes the same ones minus NOT_UPDATABLE. Enum names: SOURCE is recorded, the rest assumed. */
const FIELDS: Record<string, Field> = {
	departmentid: { kind: 'department' },
	providerid: { kind: 'provider' },
	documentsource: { kind: 'enum', values: DOCUMENT_SOURCES, athenaName: 'SOURCE' },
	documentsubclass: { kind: 'enum', values: DOCUMENT_SUBCLASSES, athenaName: 'SUBCLASS' },
	subject: { kind: 'text' },
	internalnote: { kind: 'text', max: INTERNAL_NOTE_MAX },
	priority: {
		kind: 'enum',
		values: PRIORITIES.map((priority) => priority.value),
		athenaName: 'PRIORITY',
	},
	callbackname: { kind: 'text' },
	callbacknumber: { kind: 'text' },
	callbacknumbertype: {
		kind: 'enum',
		values: CALLBACK_NUMBER_TYPES,
		athenaName: 'CALLBACKNUMBERTYPE',
	},
	clinicalproviderid: { kind: 'provider' },
	outboundonly: { kind: 'boolean' },
	autoclose: { kind: 'boolean' },
};
const REQUIRED_ON_CREATE = ['departmentid', 'providerid', 'documentsource', 'documentsubclass'];
const NOT_UPDATABLE = ['departmentid', 'autoclose'];
/** Fields a case must keep: an update may change them but not empty them. */
const NOT_CLEARABLE = new Set(REQUIRED_ON_CREATE);
/** The one field close defines (spec). */
const CLOSE_FIELDS = new Set(['actionreasonid']);
const ACTION_NOTE_MAX = 4000;

const CASE_FEED = getFeed('documents/patientcase');
/** Catalog order: the add event first, the update event second. */
const [CASE_ADDED, CASE_UPDATED] = CASE_FEED.events;

type FieldValues = Partial<Record<string, string | boolean | undefined>>;

const isEnded = (status: string) => ENDED_STATUSES.includes(status);

export class PatientCaseStore {
	readonly cases = new Map<number, PatientCase>();
	private nextId = FIRST_NEW_CASE_ID;
	private versions = 0;
	/** The switches in force; tests may change them, `reset` restores the start options. */
	behaviour: PatientCaseBehaviour;

	constructor(
		private readonly clock: SandboxClock,
		private readonly seed: SeedData,
		private readonly feeds: FeedStore,
		private readonly clients: readonly ApiClient[],
		private readonly startBehaviour: PatientCaseBehaviour = patientCaseBehaviourSchema.parse({}),
	) {
		this.behaviour = { ...startBehaviour };
		this.reset();
	}

	reset(): void {
		this.cases.clear();
		for (const seeded of seedCases(this.clients, this.clock.now()))
			this.cases.set(seeded.patientcaseid, seeded);
		this.nextId = FIRST_NEW_CASE_ID;
		this.versions = 0;
		this.behaviour = { ...this.startBehaviour };
	}

	/** `POST .../patients/{patientid}/documents/patientcase` */
	readonly create: Handler = (ctx, [patientId]) => {
		this.patient(patientId);
		const missing = REQUIRED_ON_CREATE.filter((name) => param(ctx.params, name) === undefined);
		if (missing.length) refuseMissing(missing);
		const values = this.validate(
			ctx,
			Object.keys(FIELDS).filter((name) => param(ctx.params, name) !== undefined),
		);
		const now = this.clock.now();
		const user = this.apiUser(ctx);
		const created: PatientCase = {
			patientcaseid: this.nextId++,
			patientid: patientId,
			departmentid: String(values.departmentid),
			providerid: String(values.providerid),
			documentsource: String(values.documentsource),
			documentsubclass: storedSubclass(String(values.documentsubclass)),
			status: values.autoclose === true ? 'CLOSED' : NEW_CASE_STATUS,
			createdAt: now,
			modifiedAt: now,
			createduser: user,
			lastmodifieduser: user,
			createdvia: 'API',
			creatorClientId: ctx.clientId,
			actionNotes: [],
		};
		assign(created, values);
		this.cases.set(created.patientcaseid, created);
		this.publish(created, CASE_ADDED);
		// The create answer carries the id as a number (recorded `create-patient-case`).
		return jsonReply(200, { success: true, patientcaseid: created.patientcaseid });
	};

	/** `PUT .../documents/patientcase/{id}`: only the fields sent change (internalnote: see the switch). */
	readonly update: Handler = (ctx, [patientId, caseId]) => {
		const existing = this.existing(patientId, caseId);
		if (existing.createdvia !== 'API') {
			refuse(
				403,
				'This patient case was not created through the API and cannot be updated.',
				ONLY_OWN_CASES,
			);
		}
		if (existing.creatorClientId !== ctx.clientId) {
			refuse(
				403,
				'This patient case was created by another API user and cannot be updated.',
				ONLY_OWN_CASES,
			);
		}
		if (isEnded(existing.status)) {
			refuse(
				400,
				`A ${existing.status.toLowerCase()} patient case cannot be updated.`,
				`Patient case ${existing.patientcaseid} is ${existing.status}.`,
			);
		}
		const notUpdatable = NOT_UPDATABLE.filter((name) => ctx.params.has(name));
		if (notUpdatable.length) refuseInvalidFields(notUpdatable);
		const sent = Object.keys(FIELDS).filter((name) => ctx.params.has(name));
		if (!sent.length)
			refuse(400, 'Additional fields are required.', 'Send at least one field to update.');
		const values = this.validate(ctx, sent);
		const note = values.internalnote;
		if (
			this.behaviour.internalNoteOnUpdate === 'append' &&
			typeof note === 'string' &&
			existing.internalnote
		) {
			values.internalnote = `${existing.internalnote}\n${note}`;
		}
		assign(existing, values);
		this.touch(existing, ctx);
		return jsonReply(200, { success: true, patientcaseid: existing.patientcaseid });
	};

	/** `GET .../documents/patientcase/{id}`: an array holding the case (spec). */
	readonly get: Handler = (_ctx, [patientId, caseId]) =>
		jsonReply(200, [caseView(this.existing(patientId, caseId))]);

	/** `GET .../patients/{patientid}/documents/patientcase?departmentid=` */
	readonly list: Handler = (ctx, [patientId]) => {
		this.patient(patientId);
		const { params } = ctx;
		const departmentId = param(params, 'departmentid') ?? refuseMissing(['departmentid']);
		this.department(departmentId);
		const status = param(params, 'status');
		if (status !== undefined && !(CASE_STATUSES as readonly string[]).includes(status))
			refuseEnum(status, 'STATUS');
		const subclass = param(params, 'documentsubclass');
		const subclassForms: readonly string[] =
			this.behaviour.subclassFilter === 'sent'
				? DOCUMENT_SUBCLASSES
				: DOCUMENT_SUBCLASSES.map(storedSubclass);
		if (subclass !== undefined && !subclassForms.includes(subclass))
			refuseEnum(subclass, 'SUBCLASS');
		const wanted = subclass === undefined ? undefined : sentSubclass(subclass);
		const showDeleted = flagParam(params, 'showdeleted');
		const offset = countParam(params, 'offset') ?? 0;
		const limit = Math.min(countParam(params, 'limit') ?? 1500, 5000);
		// departmentid picks the chart in athena; the sandbox has one chart per patient, so it only validates.
		const matching = [...this.cases.values()]
			.filter(
				(candidate) =>
					candidate.patientid === patientId &&
					(showDeleted || candidate.status !== 'DELETED') &&
					(status === undefined || candidate.status === status) &&
					(wanted === undefined || sentSubclass(candidate.documentsubclass) === wanted),
			)
			.sort((a, b) => a.patientcaseid - b.patientcaseid);
		const page = matching.slice(offset, offset + limit).map(caseView);
		return jsonReply(
			200,
			this.behaviour.listShape === 'array'
				? page
				: { totalcount: matching.length, patientcases: page },
		);
	};

	/** `GET reference/documents/patientcase/closereasons?patientcaseid=`: the reasons of that case. */
	readonly closeReasons: Handler = (ctx) => {
		const caseId = param(ctx.params, 'patientcaseid') ?? refuseMissing(['patientcaseid']);
		const found = /^\d{1,10}$/.test(caseId) ? this.cases.get(Number(caseId)) : undefined;
		if (!found)
			refuse(404, 'The patient case ID is invalid.', `Patient case ${caseId} does not exist.`);
		return jsonReply(200, closeReasonsFor(found.documentsubclass));
	};

	/** `PUT .../documents/patientcase/{id}/close` with `actionreasonid` alone (spec). */
	readonly close: Handler = (ctx, [patientId, caseId]) => {
		const existing = this.existing(patientId, caseId);
		if (existing.status === 'DELETED')
			refuse(
				400,
				'A deleted patient case cannot be closed.',
				`Patient case ${existing.patientcaseid} is DELETED.`,
			);
		if (existing.status === 'CLOSED')
			refuse(
				400,
				'The patient case is already closed.',
				`Patient case ${existing.patientcaseid} is CLOSED.`,
			);
		const extra = [...new Set(ctx.params.keys())].filter((name) => !CLOSE_FIELDS.has(name));
		if (extra.length && this.behaviour.closeExtraFields === 'refuse') refuseInvalidFields(extra);
		const reasonId = param(ctx.params, 'actionreasonid') ?? refuseMissing(['actionreasonid']);
		const reason = closeReasonsFor(existing.documentsubclass).find(
			(candidate) => String(candidate.reasonid) === reasonId,
		);
		if (!reason) refuseInvalid(`The value '${reasonId}' is not a valid ACTIONREASONID.`);
		existing.status = 'CLOSED';
		existing.closeReasonId = reason.reasonid;
		this.touch(existing, ctx);
		return jsonReply(200, { success: true });
	};

	/** `PUT .../documents/patientcase/{id}/reopen`: the case reads REVIEW again. */
	readonly reopen: Handler = (ctx, [patientId, caseId]) => {
		const existing = this.existing(patientId, caseId);
		if (existing.status === 'DELETED')
			refuse(
				400,
				'A deleted patient case cannot be reopened.',
				`Patient case ${existing.patientcaseid} is DELETED.`,
			);
		if (!isEnded(existing.status))
			refuse(
				400,
				'The patient case is already open.',
				`Patient case ${existing.patientcaseid} is ${existing.status}.`,
			);
		existing.status = NEW_CASE_STATUS;
		existing.closeReasonId = undefined;
		this.touch(existing, ctx);
		return jsonReply(200, { success: true });
	};

	/** `PUT .../documents/patientcase/{id}/assign` with an athenaNet `username`, case-sensitive. */
	readonly assign: Handler = (ctx, [patientId, caseId]) => {
		const existing = this.existing(patientId, caseId);
		if (existing.status === 'DELETED')
			refuse(
				400,
				'A deleted patient case cannot be assigned.',
				`Patient case ${existing.patientcaseid} is DELETED.`,
			);
		const username = ctx.params.get('username');
		if (username === null || username === '') refuseMissing(['username']);
		if (!(ATHENANET_USERS as readonly string[]).includes(username))
			refuseInvalid(`The value '${username}' is not a valid USERNAME.`);
		existing.assignedto = username;
		this.touch(existing, ctx);
		return jsonReply(200, { success: true, assignedto: username });
	};

	/** `POST documents/patientcase/{id}/actions` with `actionnote` (no patient segment). */
	readonly addActionNote: Handler = (ctx, [caseId]) => {
		const existing = this.byId(caseId);
		if (existing.status === 'DELETED')
			refuse(
				400,
				'A deleted patient case cannot be changed.',
				`Patient case ${existing.patientcaseid} is DELETED.`,
			);
		const note = param(ctx.params, 'actionnote') ?? refuseMissing(['actionnote']);
		// The length, never the text: notes carry patient data.
		if (note.length > ACTION_NOTE_MAX) refuseInvalidFields(['actionnote']);
		existing.actionNotes.push({
			actionnote: note,
			createdby: this.apiUser(ctx),
			createdAt: this.clock.now(),
			status: existing.status,
			priority: existing.priority,
			assignedto: existing.assignedto,
		});
		this.touch(existing, ctx);
		return jsonReply(200, { success: true, versiontoken: String(++this.versions) });
	};

	/** `GET documents/patientcase/{id}/actions?limit=&offset=`: the notes, oldest first. */
	readonly actionNotes: Handler = (ctx, [caseId]) => {
		const existing = this.byId(caseId);
		const offset = countParam(ctx.params, 'offset') ?? 0;
		const limit = countParam(ctx.params, 'limit') ?? 1500;
		return jsonReply(200, existing.actionNotes.slice(offset, offset + limit).map(actionNoteView));
	};

	private apiUser(ctx: RequestContext): string {
		return apiUserOf(
			this.clients,
			this.clients.findIndex((client) => client.clientId === ctx.clientId),
		);
	}

	private touch(changed: PatientCase, ctx: RequestContext): void {
		changed.modifiedAt = this.clock.now();
		changed.lastmodifieduser = this.apiUser(ctx);
		this.publish(changed, CASE_UPDATED);
	}

	/** Every write reaches the patient-case feed of each subscribed client (event and department scopes apply). */
	private publish(changed: PatientCase, event: string): void {
		const { internalnote: _note, ...record } = caseView(changed);
		record[CASE_FEED.idField] = String(changed.patientcaseid);
		if (CASE_FEED.modifiedField)
			record[CASE_FEED.modifiedField] = formatEastern(changed.modifiedAt);
		this.feeds.publish(CASE_FEED, event, [toFeedRecord(record, changed.departmentid)]);
	}

	private patient(patientId: string): void {
		if (!this.seed.patients.has(patientId))
			refuse(404, 'The patient ID is invalid.', `Patient ${patientId} does not exist.`);
	}

	private department(departmentId: string): void {
		if (!this.seed.departmentIds.has(departmentId))
			refuseInvalid(`The value '${departmentId}' is not a valid DEPARTMENTID.`);
	}

	private byId(caseId: string): PatientCase {
		const found = this.cases.get(Number(caseId));
		if (!found)
			refuse(404, 'The patient case ID is invalid.', `Patient case ${caseId} does not exist.`);
		return found;
	}

	/** The case, provided it belongs to the patient in the path (else 404, as if unknown). */
	private existing(patientId: string, caseId: string): PatientCase {
		this.patient(patientId);
		const found = this.cases.get(Number(caseId));
		if (!found || found.patientid !== patientId) {
			refuse(
				404,
				'The patient case ID is invalid.',
				`Patient case ${caseId} does not exist for patient ${patientId}.`,
			);
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
					// The field's name, never the text: notes carry patient data.
					if (field.max !== undefined && raw.length > field.max) refuseInvalidFields([name]);
					values[name] = raw;
					break;
				case 'enum':
					if (!field.values.includes(raw)) refuseEnum(raw, field.athenaName);
					values[name] = name === 'documentsubclass' ? storedSubclass(raw) : raw;
					break;
				case 'boolean':
					if (!/^(true|false)$/i.test(raw))
						refuseInvalid(`The value '${raw}' is not a valid boolean for ${name.toUpperCase()}.`);
					values[name] = raw.toLowerCase() === 'true';
					break;
				case 'provider':
					if (!this.seed.providerIds.has(raw))
						refuseInvalid(`The value '${raw}' is not a valid ${name.toUpperCase()}.`);
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

const ONLY_OWN_CASES =
	'Only patient cases created through the API by the same API user can be updated.';

/** Writes validated values onto a case; autoclose is an instruction, not a stored field. */
function assign(target: PatientCase, values: FieldValues): void {
	const { autoclose: _autoclose, ...fields } = values;
	Object.assign(target, fields);
}

/**
 * The case as athena reads it: ids as strings, datetimes ISO 8601 with offset, the creator and
 * last modifier as user names, empty fields omitted (spec YML PatientCase; recorded VCR).
 */
export function caseView(shown: PatientCase): Record<string, unknown> {
	const view: Record<string, unknown> = {
		patientcaseid: String(shown.patientcaseid),
		patientid: shown.patientid,
		departmentid: shown.departmentid,
		providerid: shown.providerid,
		documentclass: 'PATIENTCASE',
		documentsource: shown.documentsource,
		documentsubclass: shown.documentsubclass,
		subject: shown.subject,
		internalnote: shown.internalnote,
		actionnote: shown.actionNotes.at(-1)?.actionnote,
		assignedto: shown.assignedto,
		priority: shown.priority,
		status: shown.status,
		callbackname: shown.callbackname,
		callbacknumber: shown.callbacknumber,
		callbacknumbertype: shown.callbacknumbertype,
		clinicalproviderid: shown.clinicalproviderid,
		outboundonly: shown.outboundonly,
		createduser: shown.createduser,
		lastmodifieduser: shown.lastmodifieduser,
		createddatetime: formatEasternIso(shown.createdAt),
		lastmodifieddatetime: formatEasternIso(shown.modifiedAt),
		deleteddatetime: shown.deletedAt === undefined ? undefined : formatEasternIso(shown.deletedAt),
	};
	for (const key of Object.keys(view)) if (view[key] === undefined) delete view[key];
	return view;
}

/** An action note as athena reads it (spec YML ActionNote). */
function actionNoteView(note: ActionNote): Record<string, unknown> {
	const view: Record<string, unknown> = {
		actionnote: note.actionnote,
		assignedto: note.assignedto,
		createdby: note.createdby,
		createddatetime: formatEasternIso(note.createdAt),
		status: note.status,
		priority: note.priority,
	};
	for (const key of Object.keys(view)) if (view[key] === undefined) delete view[key];
	return view;
}
