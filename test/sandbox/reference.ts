/** Read-only practice data: departments, providers and patients (close reasons depend on a case: patientCases.ts). */
import { jsonReply, refuse, type Handler } from './protocol';
import type { SeedData } from './seed';

export function referenceHandlers(seed: SeedData): Record<'departments' | 'providers' | 'patient', Handler> {
	return {
		departments: () => jsonReply(200, { totalcount: seed.departments.length, departments: seed.departments }),
		providers: () => jsonReply(200, { totalcount: seed.providers.length, providers: seed.providers }),
		// athena answers a single patient as a one-element array.
		patient: (_ctx, [patientId]) => {
			const patient = seed.patients.get(patientId) ?? refuse(404, 'The patient ID is invalid.', `Patient ${patientId} does not exist.`);
			return jsonReply(200, [patient]);
		},
	};
}
