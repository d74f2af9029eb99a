import {
	subscribe as subscribeChannel,
	unsubscribe as unsubscribeChannel,
} from 'node:diagnostics_channel';

import type { ICredentialDataDecryptedObject, INodeParameters } from 'n8n-workflow';

import { executeNode, PolledWorkflow } from '../harness/n8n';
import type { Sandbox } from '../sandbox';
import { soakCredentials, type Corpus } from './capture';
import { actionNode, triggerNode } from './nodes';
import { VALID } from '../harness/parameters';
import type { Random } from './random';

/**
 * Hostile input to every operation of both nodes and to the credential: each must be refused
 * before any request (counted at the HTTP client: any host, token endpoint included) with an error
 * that names the field, and never quotes free text (notes, subjects) back.
 */

export type Target = 'action' | 'trigger' | 'manual';

export interface BadInput {
	/** "patientCase.create", "trigger (scheduled poll)", ... */
	operation: string;
	what: string;
	target: Target;
	parameters: INodeParameters;
	/** Credential fields replacing the soak client's. */
	credentials?: ICredentialDataDecryptedObject;
	/** The field's display name, which the error must contain. */
	field: string;
}

export interface BadInputResult {
	operation: string;
	what: string;
	refused: boolean;
	namesField: boolean;
	requests: number;
	message: string;
}

export interface BadInputOutcome {
	total: number;
	refused: number;
	requests: number;
	byOperation: Record<string, number>;
	failures: BadInputResult[];
}

/** What a numeric id can be attacked with; each is refused as "<field> must be …" or "… is required". */
const ID_ATTACKS: Array<[string, unknown]> = [
	['non-numeric', 'abc'],
	['negative', '-5'],
	['zero', '0'],
	['a slash', '12/13'],
	['dot-dot', '..'],
	['dot-dot path', '../12'],
	['a question mark', '12?x=1'],
	['an encoded slash', '12%2F13'],
	['a control character', '12\u0000'],
	['a decimal', '1.5'],
	['an exponent', '1e3'],
	['oversized (5000 digits)', '9'.repeat(5000)],
	['a negative number from an expression', '={{ -7 }}'],
];

/**
 * The table. `note(tag)` makes a distinctive free text (registered as a secret) for rows that send one.
 */
export function badInputTable(
	note: (tag: string, length?: number) => string,
	sandboxUrl: string,
): BadInput[] {
	const rows: BadInput[] = [];
	const add = (
		operation: string,
		target: Target,
		base: INodeParameters,
		what: string,
		change: INodeParameters,
		field: string,
		credentials?: ICredentialDataDecryptedObject,
	) =>
		rows.push({ operation, what, target, parameters: { ...base, ...change }, field, credentials });
	const ids = (
		operation: string,
		target: Target,
		base: INodeParameters,
		name: string,
		field: string,
		attacks = ID_ATTACKS,
	) => {
		for (const [what, value] of attacks)
			add(operation, target, base, `${field}: ${what}`, { [name]: value as string }, field);
	};
	const some = (names: string[]) => ID_ATTACKS.filter(([what]) => names.includes(what));

	const {
		create,
		update,
		get,
		getMany,
		close,
		reopen,
		assign,
		addActionNote,
		getActionNotes,
		getEvents,
		getStatus,
		subscribe,
		unsubscribe,
		read,
	} = VALID;
	const replay: INodeParameters = {
		...read,
		source: 'processed',
		processedStart: '2025-01-15T09:00:00',
		processedEnd: '2025-01-15T10:00:00',
		maxRecords: 100,
	};
	const trigger: INodeParameters = {
		feed: 'appointments',
		events: [],
		departmentIds: ['1', '2'],
		options: { minIntervalSeconds: 0 },
	};

	// patientCase.create
	const C = 'patientCase.create';
	ids(C, 'action', create, 'patientId', 'Patient ID');
	add(C, 'action', create, 'Patient ID: missing', { patientId: '' }, 'Patient ID');
	ids(
		C,
		'action',
		create,
		'departmentId',
		'Department ID',
		some(['non-numeric', 'a slash', 'an encoded slash', 'negative']),
	);
	add(C, 'action', create, 'Department ID: missing', { departmentId: '' }, 'Department ID');
	ids(
		C,
		'action',
		create,
		'providerId',
		'Provider ID',
		some(['zero', 'dot-dot path', 'a question mark']),
	);
	add(C, 'action', create, 'Source: wrong case', { documentSource: 'patient' }, 'Source');
	add(C, 'action', create, 'Source: unknown', { documentSource: 'FAX' }, 'Source');
	add(C, 'action', create, 'Source: missing', { documentSource: '' }, 'Source');
	add(
		C,
		'action',
		create,
		'Document Subclass: wrong case',
		{ documentSubclass: 'patientcase' },
		'Document Subclass',
	);
	add(
		C,
		'action',
		create,
		'Document Subclass: unknown',
		{ documentSubclass: 'LETTER' },
		'Document Subclass',
	);
	add(
		C,
		'action',
		create,
		'Internal Note: 4001 characters',
		{ additionalFields: { internalNote: note('create-4001', 4001) } },
		'Internal Note',
	);
	add(
		C,
		'action',
		create,
		'Internal Note: a NUL',
		{ additionalFields: { internalNote: `${note('create-nul')}\u0000` } },
		'Internal Note',
	);
	add(
		C,
		'action',
		create,
		'Internal Note: an escape sequence',
		{ additionalFields: { internalNote: `${note('create-esc')}\u001b[2J` } },
		'Internal Note',
	);
	add(
		C,
		'action',
		create,
		'Subject: 256 characters',
		{ additionalFields: { subject: note('create-subject', 256) } },
		'Subject',
	);
	add(
		C,
		'action',
		create,
		'Subject: a line break',
		{ additionalFields: { subject: `${note('create-subject-lf')}\nsecond line` } },
		'Subject',
	);
	add(
		C,
		'action',
		create,
		'Subject: a bell',
		{ additionalFields: { subject: `${note('create-subject-bel')}\u0007` } },
		'Subject',
	);
	add(
		C,
		'action',
		create,
		'Callback Number and Callback Number Type together',
		{ additionalFields: { callbackNumber: '617-555-0100', callbackNumberType: 'HOME' } },
		'Callback Number Type',
	);
	add(
		C,
		'action',
		create,
		'Callback Number: words',
		{ additionalFields: { callbackNumber: note('create-callback') } },
		'Callback Number',
	);
	add(
		C,
		'action',
		create,
		'Callback Name: 101 characters',
		{ additionalFields: { callbackName: note('create-callbackname', 101) } },
		'Callback Name',
	);
	add(
		C,
		'action',
		create,
		'Callback Name: a tab',
		{ additionalFields: { callbackName: `${note('create-callbackname-tab')}\t` } },
		'Callback Name',
	);
	add(
		C,
		'action',
		create,
		'Callback Number Type: wrong case',
		{ additionalFields: { callbackNumberType: 'Mobile' } },
		'Callback Number Type',
	);
	add(
		C,
		'action',
		create,
		'Callback Number Type: no athena value',
		{ additionalFields: { callbackNumberType: 'OTHER' } },
		'Callback Number Type',
	);
	add(C, 'action', create, 'Source: no athena value', { documentSource: 'PROVIDER' }, 'Source');
	add(
		C,
		'action',
		create,
		'Priority: unknown',
		{ additionalFields: { priority: '3' } },
		'Priority',
	);
	add(
		C,
		'action',
		create,
		'Priority: a name instead of the value',
		{ additionalFields: { priority: 'High' } },
		'Priority',
	);
	add(
		C,
		'action',
		create,
		'Clinical Provider ID: letters',
		{ additionalFields: { clinicalProviderId: 'lab' } },
		'Clinical Provider ID',
	);
	add(
		C,
		'action',
		create,
		'Clinical Provider ID: a slash',
		{ additionalFields: { clinicalProviderId: '7/8' } },
		'Clinical Provider ID',
	);
	add(
		C,
		'action',
		create,
		'Auto Close: text instead of a boolean',
		{ additionalFields: { autoClose: '={{ "yes" }}' } },
		'Auto Close',
	);

	// patientCase.update
	const U = 'patientCase.update';
	ids(
		U,
		'action',
		update,
		'patientCaseId',
		'Patient Case ID',
		some([
			'non-numeric',
			'negative',
			'a slash',
			'dot-dot',
			'a question mark',
			'an encoded slash',
			'an exponent',
			'oversized (5000 digits)',
		]),
	);
	ids(
		U,
		'action',
		update,
		'patientId',
		'Patient ID',
		some(['dot-dot path', 'a control character']),
	);
	add(
		U,
		'action',
		update,
		'Update Fields: nothing to change',
		{ updateFields: {} },
		'Update Fields',
	);
	add(
		U,
		'action',
		update,
		'Source: wrong case',
		{ updateFields: { documentSource: 'Patient' } },
		'Source',
	);
	add(
		U,
		'action',
		update,
		'Internal Note: 4001 characters',
		{ updateFields: { internalNote: note('update-4001', 4001) } },
		'Internal Note',
	);
	add(
		U,
		'action',
		update,
		'Internal Note: a form feed',
		{ updateFields: { internalNote: `${note('update-ff')}\u000c` } },
		'Internal Note',
	);
	add(
		U,
		'action',
		update,
		'Callback Number and Callback Number Type together',
		{ updateFields: { callbackNumber: '617 555 0100', callbackNumberType: 'WORK' } },
		'Callback Number Type',
	);
	add(
		U,
		'action',
		update,
		'Provider ID: letters',
		{ updateFields: { providerId: 'dr-smith' } },
		'Provider ID',
	);
	add(
		U,
		'action',
		update,
		'Document Subclass: unknown',
		{ updateFields: { documentSubclass: 'PATIENTCASE ' } },
		'Document Subclass',
	);
	add(
		U,
		'action',
		update,
		'Subject: a DEL',
		{ updateFields: { subject: `${note('update-del')}\u007f` } },
		'Subject',
	);

	// patientCase.get
	const G = 'patientCase.get';
	ids(
		G,
		'action',
		get,
		'patientCaseId',
		'Patient Case ID',
		some(['a slash', 'dot-dot', 'a question mark', 'an encoded slash', 'non-numeric']),
	);
	ids(G, 'action', get, 'patientId', 'Patient ID', some(['dot-dot', 'negative']));
	add(G, 'action', get, 'Patient Case ID: missing', { patientCaseId: '' }, 'Patient Case ID');

	// patientCase.getMany
	const M = 'patientCase.getMany';
	ids(
		M,
		'action',
		getMany,
		'patientId',
		'Patient ID',
		some(['a slash', 'a question mark', 'non-numeric']),
	);
	add(M, 'action', getMany, 'Department ID: missing', { departmentId: '' }, 'Department ID');
	add(M, 'action', getMany, 'Department ID: a list', { departmentId: '1,2' }, 'Department ID');
	add(M, 'action', getMany, 'Limit: zero', { limit: 0 }, 'Limit');
	add(M, 'action', getMany, 'Limit: negative', { limit: -1 }, 'Limit');
	add(M, 'action', getMany, 'Limit: a fraction', { limit: 1.5 }, 'Limit');
	add(M, 'action', getMany, 'Limit: too large', { limit: 50_001 }, 'Limit');
	add(M, 'action', getMany, 'Status: wrong case', { filters: { status: 'review' } }, 'Status');
	add(M, 'action', getMany, 'Status: unknown', { filters: { status: 'OPENED' } }, 'Status');
	add(
		M,
		'action',
		getMany,
		'Document Subclass: wrong case',
		{ filters: { documentSubclass: 'labresults' } },
		'Document Subclass',
	);

	// patientCase.close
	const L = 'patientCase.close';
	add(
		L,
		'action',
		close,
		'Close Reason Name or ID: a name',
		{ closeReasonId: 'Resolved' },
		'Close Reason Name or ID',
	);
	add(
		L,
		'action',
		close,
		'Close Reason Name or ID: missing',
		{ closeReasonId: '' },
		'Close Reason Name or ID',
	);
	add(
		L,
		'action',
		close,
		'Close Reason Name or ID: negative',
		{ closeReasonId: '-2' },
		'Close Reason Name or ID',
	);
	add(L, 'action', close, 'Note: 4001 characters', { note: note('close-4001', 4001) }, 'Note');
	add(
		L,
		'action',
		close,
		'Note: an escape sequence',
		{ note: `${note('close-esc')}\u001b]0;x\u0007` },
		'Note',
	);
	ids(
		L,
		'action',
		close,
		'patientCaseId',
		'Patient Case ID',
		some(['dot-dot', 'an encoded slash']),
	);

	// patientCase.reopen
	const R = 'patientCase.reopen';
	ids(
		R,
		'action',
		reopen,
		'patientCaseId',
		'Patient Case ID',
		some(['non-numeric', 'dot-dot path', 'a question mark', 'oversized (5000 digits)']),
	);
	ids(R, 'action', reopen, 'patientId', 'Patient ID', some(['an encoded slash', 'zero']));

	// patientCase.assign, addActionNote, getActionNotes
	const A = 'patientCase.assign';
	add(A, 'action', assign, 'Username: missing', { username: '' }, 'Username');
	add(A, 'action', assign, 'Username: a line break', { username: 'jsmith\nadmin' }, 'Username');
	add(A, 'action', assign, 'Username: 101 characters', { username: 'u'.repeat(101) }, 'Username');
	ids(A, 'action', assign, 'patientCaseId', 'Patient Case ID', some(['a slash', 'dot-dot']));
	const AN = 'patientCase.addActionNote';
	add(AN, 'action', addActionNote, 'Action Note: missing', { actionNote: '' }, 'Action Note');
	add(
		AN,
		'action',
		addActionNote,
		'Action Note: 4001 characters',
		{ actionNote: note('actionnote-4001', 4001) },
		'Action Note',
	);
	add(
		AN,
		'action',
		addActionNote,
		'Action Note: a NUL',
		{ actionNote: `${note('actionnote-nul')}\u0000` },
		'Action Note',
	);
	ids(
		AN,
		'action',
		addActionNote,
		'patientCaseId',
		'Patient Case ID',
		some(['a question mark', 'an encoded slash']),
	);
	const AL = 'patientCase.getActionNotes';
	ids(
		AL,
		'action',
		getActionNotes,
		'patientCaseId',
		'Patient Case ID',
		some(['non-numeric', 'negative']),
	);
	add(AL, 'action', getActionNotes, 'Limit: zero', { limit: 0 }, 'Limit');

	// subscription.*
	const E = 'subscription.getEvents';
	add(E, 'action', getEvents, 'Feed: wrong case', { feed: 'Appointments' }, 'Feed');
	add(E, 'action', getEvents, 'Feed: a path', { feed: 'appointments/../patients' }, 'Feed');
	add(E, 'action', getEvents, 'Feed: missing', { feed: '' }, 'Feed');
	const S = 'subscription.getStatus';
	add(S, 'action', getStatus, 'Feed: unknown', { feed: 'billing' }, 'Feed');
	add(S, 'action', getStatus, 'Feed: a query', { feed: 'patients?x=1' }, 'Feed');
	add(S, 'action', getStatus, 'Feed: oversized', { feed: 'a'.repeat(5000) }, 'Feed');
	const B = 'subscription.subscribe';
	add(
		B,
		'action',
		subscribe,
		'Event Name or ID: a space',
		{ scope: 'one', eventName: 'Add Patient' },
		'Event Name or ID',
	);
	add(
		B,
		'action',
		subscribe,
		'Event Name or ID: missing',
		{ scope: 'one', eventName: '' },
		'Event Name or ID',
	);
	add(
		B,
		'action',
		subscribe,
		'Event Name or ID: a slash',
		{ scope: 'one', eventName: 'AddPatient/../x' },
		'Event Name or ID',
	);
	add(
		B,
		'action',
		subscribe,
		'Event Name or ID: oversized',
		{ scope: 'one', eventName: 'A'.repeat(150) },
		'Event Name or ID',
	);
	// athena's event names are case-sensitive enums; for a confirmed feed the catalog knows them all.
	add(
		B,
		'action',
		subscribe,
		'Event Name or ID: wrong case',
		{ scope: 'one', eventName: 'addpatient' },
		'Event Name or ID',
	);
	add(
		B,
		'action',
		subscribe,
		'Event Name or ID: unknown',
		{ scope: 'one', eventName: 'AddPatients' },
		'Event Name or ID',
	);
	add(
		B,
		'action',
		subscribe,
		'Events: wrong case',
		{ scope: 'ONE', eventName: 'AddPatient' },
		'Events',
	);
	add(
		B,
		'action',
		subscribe,
		'Department Names or IDs: letters',
		{ departmentIds: ['1', 'x'] },
		'Department Names or IDs',
	);
	add(
		B,
		'action',
		subscribe,
		'Department Names or IDs: negative',
		{ departmentIds: ['-1'] },
		'Department Names or IDs',
	);
	add(
		B,
		'action',
		subscribe,
		'Department Names or IDs: a slash',
		{ departmentIds: ['1/2'] },
		'Department Names or IDs',
	);
	add(
		B,
		'action',
		subscribe,
		'Department Names or IDs: an encoded slash',
		{ departmentIds: ['%2F'] },
		'Department Names or IDs',
	);
	add(
		B,
		'action',
		subscribe,
		'Department Names or IDs: 1001 of them',
		{ departmentIds: Array.from({ length: 1001 }, (_, index) => String(index + 1)) },
		'Department Names or IDs',
	);
	add(B, 'action', subscribe, 'Feed: wrong case', { feed: 'PATIENTS' }, 'Feed');
	const N = 'subscription.unsubscribe';
	add(
		N,
		'action',
		unsubscribe,
		'Event Name or ID: a space',
		{ scope: 'one', eventName: 'Check In' },
		'Event Name or ID',
	);
	add(
		N,
		'action',
		unsubscribe,
		'Event Name or ID: a control character',
		{ scope: 'one', eventName: 'CheckIn\u0000' },
		'Event Name or ID',
	);
	add(
		N,
		'action',
		unsubscribe,
		'Event Name or ID: wrong case',
		{ feed: 'appointments', scope: 'one', eventName: 'checkin' },
		'Event Name or ID',
	);
	add(N, 'action', unsubscribe, 'Events: unknown', { scope: 'some' }, 'Events');
	add(N, 'action', unsubscribe, 'Feed: dot-dot', { feed: '..' }, 'Feed');

	// changedData.read
	const D = 'changedData.read';
	add(D, 'action', read, 'Feed: unknown', { feed: 'everything' }, 'Feed');
	add(D, 'action', read, 'Read: wrong case', { source: 'Queue' }, 'Read');
	add(D, 'action', read, 'Limit: zero', { limit: 0 }, 'Limit');
	add(D, 'action', read, 'Limit: over 1000', { limit: 1001 }, 'Limit');
	add(D, 'action', read, 'Limit: text', { limit: '={{ "ten" }}' }, 'Limit');
	add(
		D,
		'action',
		read,
		'Department Names or IDs: dot-dot',
		{ departmentIds: ['..'] },
		'Department Names or IDs',
	);
	add(
		D,
		'action',
		read,
		'Department Names or IDs: a question mark',
		{ departmentIds: ['1?departmentid=2'] },
		'Department Names or IDs',
	);
	add(
		D,
		'action',
		read,
		'Parallel Batches: zero',
		{ options: { parallelBatches: 0 } },
		'Parallel Batches',
	);
	add(
		D,
		'action',
		read,
		'Parallel Batches: 21',
		{ options: { parallelBatches: 21 } },
		'Parallel Batches',
	);
	add(
		D,
		'action',
		read,
		'Show Patient Detail: text',
		{ options: { showpatientdetail: '={{ "yes" }}' } },
		'Show Patient Detail',
	);
	add(
		D,
		'action',
		read,
		'Provider ID: a path',
		{ options: { providerid: '1/../2' } },
		'Provider ID',
	);
	add(
		D,
		'action',
		read,
		'Max Records: zero (drain until empty)',
		{ drainUntilEmpty: true, maxRecords: 0 },
		'Max Records',
	);
	add(
		D,
		'action',
		replay,
		'Processed From: not a date',
		{ processedStart: 'yesterday' },
		'Processed From',
	);
	add(D, 'action', replay, 'Processed From: missing', { processedStart: '' }, 'Processed From');
	add(
		D,
		'action',
		replay,
		'Processed From: impossible date',
		{ processedStart: '2025-13-45T99:00:00' },
		'Processed From',
	);
	add(
		D,
		'action',
		replay,
		'Processed To: before Processed From',
		{ processedEnd: '2025-01-15T08:00:00' },
		'Processed To',
	);
	add(
		D,
		'action',
		replay,
		'Processed To: more than 24 hours after',
		{ processedEnd: '2025-01-16T09:00:01' },
		'Processed To',
	);
	add(
		D,
		'action',
		replay,
		'Processed To: US format',
		{ processedEnd: '01/15/2025 10:00:00' },
		'Processed To',
	);
	add(D, 'action', replay, 'Max Records: negative', { maxRecords: -1 }, 'Max Records');

	// An unknown operation (only a hand-edited or imported workflow can hold one).
	add(
		'patientCase.(unknown)',
		'action',
		create,
		'an unknown operation',
		{ operation: 'explode' },
		'operation',
	);

	// The trigger, scheduled and "Fetch Test Event".
	for (const target of ['trigger', 'manual'] as const) {
		const T = target === 'trigger' ? 'trigger (scheduled poll)' : 'trigger (Fetch Test Event)';
		add(T, target, trigger, 'Feed: wrong case', { feed: 'Appointments' }, 'Feed');
		add(T, target, trigger, 'Feed: a path', { feed: '../patients' }, 'Feed');
		add(T, target, trigger, 'Feed: missing', { feed: '' }, 'Feed');
		add(
			T,
			target,
			trigger,
			'Event Names or IDs: a space',
			{ events: ['Check In'] },
			'Event Names or IDs',
		);
		add(
			T,
			target,
			trigger,
			'Event Names or IDs: wrong case',
			{ events: ['checkin'] },
			'Event Names or IDs',
		);
		add(
			T,
			target,
			trigger,
			'Event Names or IDs: unknown',
			{ events: ['CheckIns'] },
			'Event Names or IDs',
		);
		add(
			T,
			target,
			trigger,
			'Event Names or IDs: a control character',
			{ events: ['CheckIn\u0000'] },
			'Event Names or IDs',
		);
		add(
			T,
			target,
			trigger,
			'Department Names or IDs: negative',
			{ departmentIds: ['-1'] },
			'Department Names or IDs',
		);
		add(
			T,
			target,
			trigger,
			'Department Names or IDs: a slash',
			{ departmentIds: ['1/2'] },
			'Department Names or IDs',
		);
		add(
			T,
			target,
			trigger,
			'Department Names or IDs: an encoded slash',
			{ departmentIds: ['%2F'] },
			'Department Names or IDs',
		);
		add(
			T,
			target,
			trigger,
			'Department Names or IDs: non-numeric',
			{ departmentIds: ['abc'] },
			'Department Names or IDs',
		);
		add(
			T,
			target,
			trigger,
			'Max Records per Poll: zero',
			{ options: { maxRecordsPerPoll: 0 } },
			'Max Records per Poll',
		);
		add(
			T,
			target,
			trigger,
			'Max Records per Poll: a fraction',
			{ options: { maxRecordsPerPoll: 1.5 } },
			'Max Records per Poll',
		);
		add(
			T,
			target,
			trigger,
			'Min Interval (Seconds): negative',
			{ options: { minIntervalSeconds: -1 } },
			'Min Interval (Seconds)',
		);
		add(
			T,
			target,
			trigger,
			'Parallel Batches: 21',
			{ options: { parallelBatches: 21 } },
			'Parallel Batches',
		);
		add(
			T,
			target,
			trigger,
			'Parallel Batches: zero',
			{ options: { parallelBatches: 0 } },
			'Parallel Batches',
		);
		add(
			T,
			target,
			trigger,
			'Crash Recovery Replay: text',
			{ options: { crashRecovery: '={{ "yes" }}' } },
			'Crash Recovery Replay',
		);
		add(
			T,
			target,
			trigger,
			'Subscribe Automatically: text',
			{ options: { autoSubscribe: '={{ "no" }}' } },
			'Subscribe Automatically',
		);
		add(
			T,
			target,
			trigger,
			'Show Patient Detail: text',
			{ options: { showpatientdetail: '={{ "yes" }}' } },
			'Show Patient Detail',
		);
		add(
			T,
			target,
			trigger,
			'Provider ID: dot-dot',
			{ options: { providerid: '..' } },
			'Provider ID',
		);
	}

	// The credential, through both nodes: a custom URL that is http on a public host, and its relatives.
	const port = new URL(sandboxUrl).port;
	const credentialRows: Array<[string, ICredentialDataDecryptedObject, string]> = [
		[
			'Custom Base URL: http on a public host',
			{ customBaseUrl: 'http://athena.example.com' },
			'Custom Base URL',
		],
		[
			'Custom Base URL: http on a private address',
			{ customBaseUrl: 'http://10.1.2.3:8080' },
			'Custom Base URL',
		],
		[
			'Custom Base URL: http on a host named like loopback',
			{ customBaseUrl: `http://127.0.0.1.example.com:${port}` },
			'Custom Base URL',
		],
		['Custom Base URL: ftp', { customBaseUrl: `ftp://127.0.0.1:${port}` }, 'Custom Base URL'],
		[
			'Custom Base URL: a user and password',
			{ customBaseUrl: 'https://user:pass@athena.example.com' },
			'Custom Base URL',
		],
		[
			'Custom Base URL: a query',
			{ customBaseUrl: 'https://athena.example.com/?redirect=http://evil.example' },
			'Custom Base URL',
		],
		['Custom Base URL: not a URL', { customBaseUrl: 'athena gateway' }, 'Custom Base URL'],
		['Custom Base URL: missing', { customBaseUrl: '' }, 'Custom Base URL'],
		['Practice ID: letters', { practiceId: 'abc' }, 'Practice ID'],
		['Practice ID: a path', { practiceId: '195900/../1' }, 'Practice ID'],
		['Practice ID: negative', { practiceId: '-195900' }, 'Practice ID'],
		['Practice ID: a query', { practiceId: '195900?x=1' }, 'Practice ID'],
	];
	const credentialTargets: Array<[string, Target, INodeParameters]> = [
		['subscription.getStatus', 'action', getStatus],
		[
			'patientCase.create',
			'action',
			{ ...create, additionalFields: { internalNote: note('credential-create') } },
		],
		['changedData.read', 'action', read],
		['trigger (scheduled poll)', 'trigger', trigger],
		['trigger (Fetch Test Event)', 'manual', trigger],
	];
	for (const [what, credentials, field] of credentialRows) {
		for (const [operation, target, base] of credentialTargets)
			add(`${operation} (credential)`, target, base, what, {}, field, credentials);
	}
	return rows;
}

/** Counts every HTTP request the process starts (any host, token endpoint included). */
function countRequests(): { count: () => number; stop: () => void } {
	let count = 0;
	const listener = () => count++;
	subscribeChannel('http.client.request.start', listener);
	subscribeChannel('undici:request:create', listener);
	return {
		count: () => count,
		stop: () => {
			unsubscribeChannel('http.client.request.start', listener);
			unsubscribeChannel('undici:request:create', listener);
		},
	};
}

async function refusal(
	row: BadInput,
	credentials: ReturnType<typeof soakCredentials>,
): Promise<Error | undefined> {
	try {
		if (row.target === 'action') {
			await executeNode(actionNode, row.parameters, credentials);
			return undefined;
		}
		const wf = new PolledWorkflow(triggerNode, row.parameters, credentials, {
			pollBudgetMs: 10_000,
		});
		if (row.target === 'manual') {
			await wf.manual();
			return undefined;
		}
		const outcome = await wf.tick();
		return outcome.emitted === null ? (outcome.error ?? undefined) : undefined;
	} catch (error) {
		return error as Error;
	}
}

export async function soakBadInputs(options: {
	sandbox: Sandbox;
	client: { clientId: string; secret: string };
	corpus: Corpus;
	random: Random;
}): Promise<BadInputOutcome> {
	const { sandbox, client, corpus, random } = options;
	corpus.secret('note', 'Okonkwo-Soak');
	const note = (tag: string, length = 0) => {
		const marker = `NOTE-${tag}-${random.hex(8)}`;
		corpus.secret('note', marker);
		const body = `${marker} Mrs Okonkwo-Soak reports chest pain since Tuesday; call back after 5pm. ${marker}`;
		return length > 0
			? `${body} ${'x'.repeat(Math.max(0, length - body.length - 1))}`.slice(0, length)
			: body;
	};
	const rows = badInputTable(note, sandbox.url);
	const outcome: BadInputOutcome = {
		total: rows.length,
		refused: 0,
		requests: 0,
		byOperation: {},
		failures: [],
	};
	const requests = countRequests();
	try {
		for (const row of rows) {
			outcome.byOperation[row.operation] = (outcome.byOperation[row.operation] ?? 0) + 1;
			const credentials = soakCredentials(sandbox.url, client, corpus, row.credentials);
			const before = requests.count();
			const error = await refusal(row, credentials);
			const sent = requests.count() - before + credentials.tokenFetches;
			outcome.requests += sent;
			if (error) corpus.addError(`bad input: ${row.operation}, ${row.what}`, error);
			const message = error?.message ?? '';
			const namesField = message.includes(row.field);
			const refused = error !== undefined && namesField && sent === 0;
			if (refused) outcome.refused++;
			else
				outcome.failures.push({
					operation: row.operation,
					what: row.what,
					refused: error !== undefined,
					namesField,
					requests: sent,
					message: message.slice(0, 200),
				});
		}
	} finally {
		requests.stop();
	}
	return outcome;
}
