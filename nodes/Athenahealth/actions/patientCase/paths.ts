/** athena's patient-case paths below `/v1/{practiceid}/`, built from validated ids only. */

export function casesPath(patientId: number): string {
	return `patients/${patientId}/documents/patientcase`;
}

export function casePath(patientId: number, caseId: number): string {
	return `${casesPath(patientId)}/${caseId}`;
}

/** Action notes live under the case id alone, with no patient segment (docs/athena-contract.md#patient-cases). */
export function actionsPath(caseId: number): string {
	return `documents/patientcase/${caseId}/actions`;
}
