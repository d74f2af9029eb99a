/** athena's patient-case paths below `/v1/{practiceid}/`, built from validated ids only. */

export function casesPath(patientId: number): string {
	return `patients/${patientId}/documents/patientcase`;
}

export function casePath(patientId: number, caseId: number): string {
	return `${casesPath(patientId)}/${caseId}`;
}
