/** Read-only practice data: departments, providers, patients and the patient search (close reasons depend on a case: patientCases.ts). */
import { countParam, jsonReply, param, refuse, refuseMissing, type Handler } from './protocol';
import type { Patient, SeedData } from './seed';

/** athena's default for `maxresults` (docs/athena-contract.md#patient-cases). */
export const SEARCH_DEFAULT_MAX = 50;

/**
 * athena's search takes "a partial name or a full patient id". The sandbox reads a term of digits
 * as an id (exact match) and anything else as names: every word must begin the first or the last
 * name (any case), so "ave alv", "Alvarez, Avery" and "alva" all find Avery Alvarez.
 */
function matches(patient: Patient, term: string): boolean {
	if (/^\d+$/.test(term)) return patient.patientid === term;
	const words = term
		.toLowerCase()
		.split(/[\s,]+/)
		.filter(Boolean);
	const names = [patient.firstname.toLowerCase(), patient.lastname.toLowerCase()];
	return words.length > 0 && words.every((word) => names.some((name) => name.startsWith(word)));
}

export function referenceHandlers(
	seed: SeedData,
): Record<'departments' | 'providers' | 'patient' | 'patientSearch', Handler> {
	return {
		departments: () =>
			jsonReply(200, { totalcount: seed.departments.length, departments: seed.departments }),
		providers: () =>
			jsonReply(200, { totalcount: seed.providers.length, providers: seed.providers }),
		// athena answers a single patient as a one-element array.
		patient: (_ctx, [patientId]) => {
			const patient =
				seed.patients.get(patientId) ??
				refuse(404, 'The patient ID is invalid.', `Patient ${patientId} does not exist.`);
			return jsonReply(200, [patient]);
		},
		/** `GET patients/search?searchterm=&maxresults=`: `{totalcount, patients}`, in the order of the patient table. */
		patientSearch: (ctx) => {
			const term = param(ctx.params, 'searchterm')?.trim() || refuseMissing(['searchterm']);
			const max = countParam(ctx.params, 'maxresults') ?? SEARCH_DEFAULT_MAX;
			const found = [...seed.patients.values()].filter((patient) => matches(patient, term));
			return jsonReply(200, { totalcount: found.length, patients: found.slice(0, max) });
		},
	};
}
