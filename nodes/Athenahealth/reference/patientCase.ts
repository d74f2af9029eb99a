/**
 * athena's reference values for patient cases: the one table the node's fields, its validation
 * and the sandbox read. docs/athena-contract.md#patient-case-values gives each list's source.
 */

/** `documentsource`, case-sensitive (athena refuses `patient`); there is no PROVIDER. */
export const DOCUMENT_SOURCES = [
	'PATIENT',
	'CAREGIVER',
	'PARTNER',
	'PHARMACY',
	'LAB',
	'PCP',
	'SPECIALIST',
	'STAFF',
	'HOSPITAL',
	'OTHER',
	'PORTAL',
	'Live Operator',
] as const;

/** `documentsubclass` as sent on create and update. */
export const DOCUMENT_SUBCLASSES = [
	'PATIENTCASE',
	'ADMINISTRATIVE',
	'BILLING',
	'CLINICALQUESTION',
	'ELECTRONICMEDICALRECORDS',
	'MEDICALRECORDS',
	'MEDICATION',
	'NEWRX',
	'OTHER',
	'PATIENTNOSHOW',
	'REFERRAL',
	'REFILL',
] as const;

/** athena stores and reads the subclass prefixed: sent `OTHER`, read `PATIENTCASE_OTHER`. */
export const STORED_SUBCLASS_PREFIX = 'PATIENTCASE_';

/**
 * The stored form of a sent subclass. The general `PATIENTCASE` already names the class; how
 * athena stores it is not recorded (docs/athena-contract.md#unconfirmed), so it stays as sent.
 */
export function storedSubclass(sent: string): string {
	return sent === 'PATIENTCASE' ? sent : `${STORED_SUBCLASS_PREFIX}${sent}`;
}

/** The sent form of a subclass given in either form (`PATIENTCASE_OTHER` and `OTHER` are one value). */
export function sentSubclass(value: string): string {
	return value.startsWith(STORED_SUBCLASS_PREFIX)
		? value.slice(STORED_SUBCLASS_PREFIX.length)
		: value;
}

/** Every subclass a filter or an output may carry: both forms. */
export const SUBCLASS_FORMS: readonly string[] = [
	...new Set(DOCUMENT_SUBCLASSES.flatMap((value) => [value, storedSubclass(value)])),
];

/** `callbacknumbertype`: lower-case, case-sensitive; none is sent when none is picked. */
export const CALLBACK_NUMBER_TYPES = [
	'home',
	'work',
	'mobile',
	'emergency contact',
	'guarantor',
] as const;

/** `status` of a case and of the list filter. There is no OPEN: an open case usually reads REVIEW. */
export const CASE_STATUSES = [
	'ADMINISTER',
	'CLOSED',
	'DATAENTRY',
	'DELETED',
	'DISPENSE',
	'FOLLOWUP',
	'HOLD',
	'NOTIFY',
	'PEND',
	'PENDING',
	'PENDINGLABEL',
	'PERFORM',
	'REVIEW',
	'SCHEDULE',
	'SCHEDULED',
	'SUBMIT',
	'SUBMITTED',
] as const;

/** The statuses that end a case; every other one is open. */
export const ENDED_STATUSES: readonly string[] = ['CLOSED', 'DELETED'];

/** The status a new open case (and a reopened one) reads in athena's recordings. */
export const NEW_CASE_STATUS = 'REVIEW';

/** Open = neither CLOSED nor DELETED (docs/athena-contract.md#patient-case-values). */
export function isOpenStatus(status: unknown): boolean {
	return (
		typeof status === 'string' && status !== '' && !ENDED_STATUSES.includes(status.toUpperCase())
	);
}

/** athena's priority codes: "1" high, "2" normal. */
export const PRIORITIES = [
	{ value: '1', name: 'High' },
	{ value: '2', name: 'Normal' },
] as const;

/** The case body limit (athena's guide). */
export const INTERNAL_NOTE_MAX = 4000;

/** The Get Many status choice that is no athena status: neither CLOSED nor DELETED. */
export const OPEN_ONLY = 'open';

/**
 * Values earlier versions of the node offered and saved in workflows, with the athena value each
 * meant, so saved workflows keep running. Values with no athena meaning (source PROVIDER,
 * subclass LABRESULTS, callback type OTHER) are not mapped: validation refuses them by name.
 */
export const LEGACY_VALUES: Readonly<Record<string, Readonly<Record<string, string>>>> = {
	callbackNumberType: { HOME: 'home', WORK: 'work', MOBILE: 'mobile' },
	status: { OPEN: OPEN_ONLY },
	documentSubclass: { PATIENTCALL: 'PATIENTCASE' },
};

/** `value` with a legacy saved value replaced by the athena value it meant; anything else as is. */
export function upgradeLegacy(field: keyof typeof LEGACY_VALUES | string, value: unknown): unknown {
	const table = LEGACY_VALUES[field];
	return typeof value === 'string' && table && Object.hasOwn(table, value) ? table[value] : value;
}

export type DocumentSource = (typeof DOCUMENT_SOURCES)[number];
export type DocumentSubclass = (typeof DOCUMENT_SUBCLASSES)[number];
export type CaseStatus = (typeof CASE_STATUSES)[number];
