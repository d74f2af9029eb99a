import { getFeed } from '../../feeds/catalog';

/** What Simplify keeps of a case: the same fields as the patient-case feed's records (the feed catalog's list). */
export const CASE_FIELDS = getFeed('documents/patientcase').simplifiedFields;

/** Always sent with an agent's Selected Fields: which case it is. */
export const CASE_IDS = ['patientcaseid', 'patientid'] as const;
