import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { normaliseRecord } from '../../common/normalise';
import { redactValues } from '../../transport/errors';

/**
 * athena answers a write with `{"success":true,...}` (sometimes "true"). The item keeps athena's
 * fields, adds the ids the call was about (so the next node can use them) and makes `success` a
 * boolean. A 200 that says success false is an error, not an item: athena's reason is in
 * `errormessage` (create, update, action note) or `error` (close), docs/athena-contract.md#errors.
 */
export function writeResult(
	context: IExecuteFunctions,
	body: IDataObject,
	ids: IDataObject,
	itemIndex: number,
	redact: string[] = [],
): IDataObject {
	const record = normaliseRecord({ ...ids, ...body });
	if (record.success === false) {
		const said = String(record.errormessage ?? record.error ?? '');
		const message = 'athena did not make the change (it answered success: false)';
		throw new NodeApiError(
			context.getNode(),
			{ message },
			{
				message,
				description: said ? redactValues(said, redact) : undefined,
				itemIndex,
			},
		);
	}
	const result: IDataObject = { success: true, ...record };
	result.success = true;
	return result;
}

/** A case as athena reads it: GET of one case answers an array holding it (docs/athena-contract.md#patient-cases). */
export function caseRecord(body: IDataObject | IDataObject[]): IDataObject {
	const record = Array.isArray(body) ? (body[0] ?? {}) : body;
	return normaliseRecord(record);
}

/** A page of athena's case list: a bare array, or `{totalcount, patientcases}`. */
export function caseList(body: IDataObject | IDataObject[]): {
	records: IDataObject[];
	total?: number;
} {
	if (Array.isArray(body)) return { records: body };
	const records = Array.isArray(body.patientcases) ? (body.patientcases as IDataObject[]) : [];
	const total = Number(body.totalcount);
	return {
		records,
		total: body.totalcount !== undefined && Number.isFinite(total) ? total : undefined,
	};
}
