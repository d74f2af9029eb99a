import { NodeOperationError, type INodeParameters } from 'n8n-workflow';

import { SUBCLASS_FORMS } from '../../../nodes/Athenahealth/reference/patientCase';
import { VALID } from '../../harness/parameters';
import { allRequests, everythingShown, failure, run, useSandbox } from './helpers';

const ctx = useSandbox();

const SUBJECT = 'Mrs Alvarez called about her biopsy';
const LONG_NOTE = 'Pain 7/10. '.repeat(400) + 'x'; // 4401 characters

const { create, update, get, getMany, close, assign, addActionNote, getActionNotes, subscribe } =
	VALID;

const SOURCES =
	'PATIENT, CAREGIVER, PARTNER, PHARMACY, LAB, PCP, SPECIALIST, STAFF, HOSPITAL, OTHER, PORTAL, Live Operator';
const SUBCLASSES =
	'PATIENTCASE, ADMINISTRATIVE, BILLING, CLINICALQUESTION, ELECTRONICMEDICALRECORDS, MEDICALRECORDS, MEDICATION, NEWRX, OTHER, PATIENTNOSHOW, REFERRAL, REFILL';
const STATUSES =
	'ADMINISTER, CLOSED, DATAENTRY, DELETED, DISPENSE, FOLLOWUP, HOLD, NOTIFY, PEND, PENDING, PENDINGLABEL, PERFORM, REVIEW, SCHEDULE, SCHEDULED, SUBMIT, SUBMITTED';

const ID = 'must be a positive whole number';

/** [what, parameters, the error message, free text that must not appear in it]. */
const rows: Array<[string, INodeParameters, string, string?]> = [
	['letters as patient id', { ...create, patientId: 'abc' }, `Patient ID ${ID}`],
	['negative patient id', { ...create, patientId: '-5' }, `Patient ID ${ID}`],
	['zero patient id', { ...create, patientId: '0' }, `Patient ID ${ID}`],
	['a path in the patient id', { ...create, patientId: '1/2' }, `Patient ID ${ID}`],
	['dot-dot patient id', { ...create, patientId: '..' }, `Patient ID ${ID}`],
	['a query in the patient id', { ...create, patientId: '?' }, `Patient ID ${ID}`],
	['an encoded slash in the patient id', { ...create, patientId: '%2F' }, `Patient ID ${ID}`],
	['a decimal patient id', { ...create, patientId: '1.5' }, `Patient ID ${ID}`],
	[
		'a decimal number from an expression',
		{ ...create, patientId: '={{ 1.5 }}' },
		`Patient ID ${ID}`,
	],
	['a huge patient id', { ...create, patientId: '12345678901' }, `Patient ID ${ID}`],
	['an empty patient id', { ...create, patientId: '' }, 'Patient ID is required'],
	['an injected department id', { ...create, departmentId: '3 OR 1=1' }, `Department ID ${ID}`],
	['a negative provider id', { ...create, providerId: '-1' }, `Provider ID ${ID}`],
	[
		'a lower-case source',
		{ ...create, documentSource: 'patient' },
		`Source must be exactly one of ${SOURCES}`,
	],
	[
		'PROVIDER, which is no athena source',
		{ ...create, documentSource: 'PROVIDER' },
		`Source must be exactly one of ${SOURCES}`,
	],
	[
		'a lower-case subclass',
		{ ...create, documentSubclass: 'patientcase' },
		`Document Subclass must be exactly one of ${SUBCLASSES}`,
	],
	[
		'LABRESULTS, which is no athena subclass',
		{ ...create, documentSubclass: 'LABRESULTS' },
		`Document Subclass must be exactly one of ${SUBCLASSES}`,
	],
	[
		'the stored subclass form on create',
		{ ...create, documentSubclass: 'PATIENTCASE_OTHER' },
		`Document Subclass must be exactly one of ${SUBCLASSES}`,
	],
	[
		'a note over 4000 characters',
		{ ...create, additionalFields: { internalNote: LONG_NOTE } },
		'Internal Note must be at most 4000 characters',
		LONG_NOTE.slice(0, 40),
	],
	[
		'a NUL in the note',
		{ ...create, additionalFields: { internalNote: `${SUBJECT}\u0000` } },
		'Internal Note must not contain control characters',
		SUBJECT,
	],
	[
		'a line break in the subject',
		{ ...create, additionalFields: { subject: `${SUBJECT}\nsecond line` } },
		'Subject must not contain control characters such as line breaks or tabs',
		SUBJECT,
	],
	[
		'a DEL in the subject',
		{ ...create, additionalFields: { subject: `${SUBJECT}\u007f` } },
		'Subject must not contain control characters such as line breaks or tabs',
		SUBJECT,
	],
	[
		'a unit separator in the note',
		{ ...create, additionalFields: { internalNote: `${SUBJECT}\u001f` } },
		'Internal Note must not contain control characters',
		SUBJECT,
	],
	[
		'a subject over 255 characters',
		{ ...create, additionalFields: { subject: SUBJECT.repeat(8) } },
		'Subject must be at most 255 characters',
		SUBJECT,
	],
	[
		'callback number and type together',
		{ ...create, additionalFields: { callbackNumber: '617-555-0100', callbackNumberType: 'home' } },
		'Callback Number Type cannot be sent together with Callback Number: athena takes one or the other',
		'617-555-0100',
	],
	[
		'a callback number in words',
		{ ...create, additionalFields: { callbackNumber: 'call her daughter' } },
		'Callback Number must be a phone number: digits, spaces and + - ( ) . only',
		'call her daughter',
	],
	[
		'an unknown priority',
		{ ...create, additionalFields: { priority: '3' } },
		'Priority must be exactly one of 1 (High), 2 (Normal)',
	],
	[
		'OTHER, which is no athena callback number type',
		{ ...create, additionalFields: { callbackNumberType: 'OTHER' } },
		'Callback Number Type must be exactly one of home, work, mobile, emergency contact, guarantor',
	],
	[
		'a capitalised callback number type',
		{ ...create, additionalFields: { callbackNumberType: 'Mobile' } },
		'Callback Number Type must be exactly one of home, work, mobile, emergency contact, guarantor',
	],
	[
		'letters as clinical provider id',
		{ ...create, additionalFields: { clinicalProviderId: 'lab' } },
		`Clinical Provider ID ${ID}`,
	],
	['an exponent as case id', { ...update, patientCaseId: '1e3' }, `Patient Case ID ${ID}`],
	[
		'an update without fields',
		{ ...update, updateFields: {} },
		'Update Fields must contain at least one field to change',
	],
	[
		'a path in the case id of get',
		{ ...get, patientCaseId: '173696/close' },
		`Patient Case ID ${ID}`,
	],
	[
		'a lower-case status filter',
		{ ...getMany, filters: { status: 'review' } },
		`Status must be exactly one of open, ${STATUSES}`,
	],
	[
		'an unknown subclass filter',
		{ ...getMany, filters: { documentSubclass: 'LABRESULTS' } },
		`Document Subclass must be exactly one of ${SUBCLASS_FORMS.join(', ')}`,
	],
	['a zero limit', { ...getMany, limit: 0 }, 'Limit must be at least 1'],
	[
		'a close reason name instead of its id',
		{ ...close, closeReasonId: 'Resolved' },
		`Close Reason Name or ID ${ID}`,
	],
	[
		'a control character in the close note',
		{ ...close, note: `${SUBJECT}\u001b[2J` },
		'Note must not contain control characters',
		SUBJECT,
	],
	[
		'a close note over 4000 characters',
		{ ...close, note: LONG_NOTE },
		'Note must be at most 4000 characters',
		LONG_NOTE.slice(0, 40),
	],
	['no user name to assign to', { ...assign, username: '' }, 'Username is required'],
	[
		'a user name of spaces only',
		{ ...assign, username: '   ' },
		'Username must not be only spaces',
	],
	[
		'a line break in the user name',
		{ ...assign, username: 'jsmith\nadmin' },
		'Username must be one line with no control characters',
	],
	[
		'a path in the case id to assign',
		{ ...assign, patientCaseId: '1/assign' },
		`Patient Case ID ${ID}`,
	],
	['an empty action note', { ...addActionNote, actionNote: '' }, 'Action Note is required'],
	[
		'an action note of blank lines',
		{ ...addActionNote, actionNote: '\n\n  ' },
		'Action Note is required',
	],
	[
		'an action note over 4000 characters',
		{ ...addActionNote, actionNote: LONG_NOTE },
		'Action Note must be at most 4000 characters',
		LONG_NOTE.slice(0, 40),
	],
	[
		'a NUL in an action note',
		{ ...addActionNote, actionNote: `${SUBJECT}\u0000` },
		'Action Note must not contain control characters',
		SUBJECT,
	],
	[
		'letters as the case id of action notes',
		{ ...getActionNotes, patientCaseId: 'abc' },
		`Patient Case ID ${ID}`,
	],
	['a zero limit of action notes', { ...getActionNotes, limit: 0 }, 'Limit must be at least 1'],
	[
		'a feed outside the catalog',
		{ ...subscribe, feed: 'patients/../appointments' },
		'Feed must be one of the feeds offered in the list',
	],
	[
		'an event name with a space',
		{ ...subscribe, scope: 'one', eventName: 'Add Patient' },
		'Event Name or ID must be an athena event name: letters and digits, such as ScheduleAppointment',
	],
	[
		'no event name for one event',
		{ ...subscribe, scope: 'one', eventName: '' },
		'Event Name or ID is required',
	],
	[
		'a wrong-case event name',
		{ ...subscribe, scope: 'one', eventName: 'addpatient' },
		'Event Name or ID must be written as athena names it: AddPatient',
	],
	[
		'an event of another feed',
		{ ...subscribe, scope: 'one', eventName: 'CheckIn' },
		"Event Name or ID must be one of the feed's events: AddPatient, DeletePatient, UpdatePatient, MergePatient, UpdatePatientCustomField",
	],
	[
		'a wrong-case event to unsubscribe',
		{ ...subscribe, operation: 'unsubscribe', scope: 'one', eventName: 'UPDATEPATIENT' },
		'Event Name or ID must be written as athena names it: UpdatePatient',
	],
	[
		'a bad department in the list',
		{ ...subscribe, departmentIds: ['1', 'x'] },
		`Department Names or IDs (entry 2) ${ID}`,
	],
	[
		'an unknown operation',
		{ ...create, operation: 'explode' },
		'The operation "explode" is not supported for the resource "patientCase"',
	],
	[
		'an unknown resource',
		{ ...create, resource: 'patient' },
		'The operation is not supported for the resource "patient"',
	],
];

const malformed = rows.map(([what, parameters, message, hidden]) => ({
	what,
	parameters,
	message,
	hidden,
}));

describe('malformed input is refused before any request', () => {
	test('the table covers at least 20 inputs across operations', () => {
		expect(malformed.length).toBeGreaterThanOrEqual(20);
		expect(
			new Set(
				malformed.map(
					({ parameters }) => `${String(parameters.resource)}.${String(parameters.operation)}`,
				),
			).size,
		).toBeGreaterThanOrEqual(6);
	});

	test.each(malformed)('$what', async ({ parameters, message, hidden }) => {
		const before = allRequests(ctx.sandbox);
		const error = await failure(run(ctx, parameters));
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toBe(`${message} [item 0]`);
		expect(error.context.itemIndex).toBe(0);
		if (hidden) expect(everythingShown(error)).not.toContain(hidden);
		expect(allRequests(ctx.sandbox) - before).toBe(0);
		expect(ctx.credentials.tokenFetches).toBe(0);
	});

	test("the item index is the refused item's; the items before it were sent, it was not", async () => {
		const error = await failure(
			run(ctx, { ...create, patientId: '={{ $json.patient }}' }, [
				{ json: { patient: 20 } },
				{ json: { patient: 21 } },
				{ json: { patient: '21/../22' } },
			]),
		);
		expect(error.message).toBe(`Patient ID ${ID} [item 2]`);
		expect(error.context.itemIndex).toBe(2);
		expect(
			ctx.sandbox.stats().requests.filter((entry) => entry.route === 'patientcase'),
		).toHaveLength(2);
		expect(ctx.sandbox.state.cases.size).toBe(4 + 2);
	});

	test('several problems of one item are reported together', async () => {
		const error = await failure(
			run(ctx, {
				...create,
				patientId: 'x',
				providerId: '0',
				additionalFields: { priority: 'urgent' },
			}),
		);
		expect(error.message).toBe(
			`Patient ID ${ID}; Provider ID ${ID}; Priority must be exactly one of 1 (High), 2 (Normal) [item 0]`,
		);
		expect(error.message).not.toContain('urgent');
	});
});
