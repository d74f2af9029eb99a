import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { normaliseRecord } from '../../common/normalise';
import { redactValues } from '../../transport/errors';

/**
 * athena answers a write with `{"success":true,...}` (sometimes "true"). The item keeps athena's
 * fields, adds the ids the call was about (so the next node can use them) and makes `success` a
 * boolean. A 200 that says success false is an error, not an item.
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
		throw new NodeApiError(
			context.getNode(),
			{ message: 'athena did not confirm the change' },
			{
				message: 'athena did not confirm the change',
				description: said ? redactValues(said, redact) : undefined,
				itemIndex,
			},
		);
	}
	const result: IDataObject = { success: true, ...record };
	result.success = true;
	return result;
}

/** A case as athena reads it: single-case GETs may come as a one-element list. */
export function caseRecord(body: IDataObject | IDataObject[]): IDataObject {
	const record = Array.isArray(body) ? (body[0] ?? {}) : body;
	return normaliseRecord(record);
}
