/**
 * athena's reference values for patient cases, read by the node's fields, its validation and
 * the sandbox. Sources: seeds/000 and athena-api.md; entries marked [U] are unconfirmed there.
 */

/** Case-sensitive (athena-api.md [R]: `patient` is refused). PATIENT is [R]; the rest [U]. */
export const DOCUMENT_SOURCES = ['PATIENT', 'PHARMACY', 'LAB', 'CAREGIVER', 'PROVIDER', 'OTHER'] as const;

/** PATIENTCASE is [R]; the others were seen in public client test data [U]. */
export const DOCUMENT_SUBCLASSES = ['PATIENTCASE', 'PATIENTCALL', 'LABRESULTS'] as const;

/** athena-api.md [S]: "1" high, "2" normal. */
export const PRIORITIES = [
	{ value: '1', name: 'High' },
	{ value: '2', name: 'Normal' },
] as const;

/** [U]: the spec names the field, not its values. */
export const CALLBACK_NUMBER_TYPES = ['HOME', 'MOBILE', 'WORK', 'OTHER'] as const;

/** Statuses a case can be listed by [U]. */
export const CASE_STATUSES = ['OPEN', 'CLOSED', 'DELETED'] as const;

/** The case body limit (seed). */
export const INTERNAL_NOTE_MAX = 4000;

export type DocumentSource = (typeof DOCUMENT_SOURCES)[number];
export type DocumentSubclass = (typeof DOCUMENT_SUBCLASSES)[number];
