import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { ATHENA_NAMES } from './fields';

/**
 * athena names a refused field in its own terms: `missingfields` / `invalidfields` list form
 * names (`documentsource`), an enum refusal says "... enum values for SOURCE". The node's error
 * adds the field as the user sees it in the editor. Field names are never patient data
 * (docs/athena-contract.md#errors).
 */

/** athena's enum names that differ from the form name. */
const ENUM_NAMES: Record<string, string> = {
	SOURCE: 'documentsource',
	SUBCLASS: 'documentsubclass',
};

const PARAMETER_OF: Record<string, string> = Object.fromEntries(
	Object.entries(ATHENA_NAMES).map(([parameter, athenaName]) => [athenaName, parameter]),
);

function labelOf(athenaName: string, labels: Record<string, string>): string | undefined {
	const formName = ENUM_NAMES[athenaName.toUpperCase()] ?? athenaName.toLowerCase();
	const parameter = PARAMETER_OF[formName];
	return parameter ? labels[parameter] : undefined;
}

/** The fields athena's answer names, as the editor labels them. */
export function refusedFields(error: NodeApiError, labels: Record<string, string>): string[] {
	const body = (error.errorResponse ?? {}) as {
		missingfields?: unknown;
		invalidfields?: unknown;
		detailedmessage?: unknown;
	};
	const names = [body.missingfields, body.invalidfields]
		.flatMap((list) => (Array.isArray(list) ? list : []))
		.map(String);
	const detail =
		typeof body.detailedmessage === 'string' ? body.detailedmessage : (error.description ?? '');
	const enumName = /enum values for ([A-Za-z_]+)/.exec(detail)?.[1];
	if (enumName) names.push(enumName);
	return [
		...new Set(
			names
				.map((name) => labelOf(name, labels))
				.filter((label): label is string => label !== undefined),
		),
	];
}

/** `error` with the node's field names added to its description; athena's message stays. */
export function withFieldNames(
	context: IExecuteFunctions,
	error: unknown,
	labels: Record<string, string>,
	itemIndex: number,
): unknown {
	if (!(error instanceof NodeApiError) || error.httpCode !== '400') return error;
	const fields = refusedFields(error, labels);
	if (fields.length === 0) return error;
	const named = `${fields.length === 1 ? 'Field' : 'Fields'}: ${fields.join(', ')}.`;
	return new NodeApiError(
		context.getNode(),
		{ ...(error.errorResponse ?? {}), message: error.message },
		{
			message: error.message,
			description: [error.description, named].filter(Boolean).join(' '),
			httpCode: error.httpCode,
			itemIndex,
		},
	);
}
