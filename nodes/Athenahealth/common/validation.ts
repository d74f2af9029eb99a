import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { z } from 'zod';

/**
 * Shared zod pieces for the operations. Every input is checked here before a request is built:
 * ids become URL segments and form values, and free text may be patient data. An error names the
 * field by its display name and the item, never the value that was refused.
 */

/** athena ids are far below ten digits; the bound keeps a URL segment short and a number exact. */
const ID_TEXT = /^[1-9]\d{0,9}$/;

/** C0 controls and DEL (by code, as lint refuses control characters in a regex); multi-line text may keep tab, line feed and carriage return. */
const LINE_BREAKS = new Set([0x09, 0x0a, 0x0d]);
export function hasControl(text: string, allowLineBreaks: boolean): boolean {
	for (let index = 0; index < text.length; index++) {
		const code = text.charCodeAt(index);
		if ((code < 0x20 || code === 0x7f) && !(allowLineBreaks && LINE_BREAKS.has(code))) return true;
	}
	return false;
}

/** Limits we chose where athena publishes none (docs/athena-contract.md#patient-cases): generous, but bounded. */
export const TEXT_LIMITS = {
	subject: 255,
	callbackName: 100,
	callbackNumber: 30,
	// The close note; athena states no limit, the case body's 4000 (seed) is a sane bound.
	actionNote: 4000,
} as const;

function isPositiveId(value: unknown): boolean {
	if (typeof value === 'number') return Number.isInteger(value) && value > 0 && value < 1e10;
	return typeof value === 'string' && ID_TEXT.test(value.trim());
}

const blankToUndefined = (value: unknown) => (value === '' || value === null ? undefined : value);

/** A positive whole number, as a number or as digits; becomes a number. */
export const positiveId = z
	.unknown()
	.superRefine((value, ctx) => {
		if (blankToUndefined(value) === undefined)
			ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'is required' });
		else if (!isPositiveId(value))
			ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'must be a positive whole number' });
	})
	.transform((value) => Number(typeof value === 'string' ? value.trim() : value));

/** A whole number from `min` to `max` (a number field of n8n's, so never text). */
export function wholeNumber(min: number, max: number) {
	const message = `must be a whole number from ${min} to ${max}`;
	return z.number({ message }).int(message).min(min, message).max(max, message);
}

/** An id that may be left empty. */
export const optionalId = z.preprocess(blankToUndefined, positiveId.optional());

/** One line of text: no control characters (line breaks included), at most `max` characters. */
export function singleLine(max: number) {
	return z
		.string()
		.max(max, `must be at most ${max} characters`)
		.refine(
			(text) => !hasControl(text, false),
			'must not contain control characters such as line breaks or tabs',
		);
}

/** Text that may span lines (a note): tabs and line breaks allowed, other control characters not. */
export function multiLine(max: number) {
	return z
		.string()
		.max(max, `must be at most ${max} characters`)
		.refine((text) => !hasControl(text, true), 'must not contain control characters');
}

/** `schema`, or not set: an empty value counts as not set (n8n fields default to ''). */
export function optionalValue(schema: z.ZodTypeAny) {
	return z.preprocess(blankToUndefined, schema.optional());
}

/** Exactly one of `values` (athena's enums are case-sensitive); `label` names a value in the message. */
export function oneOf(
	values: readonly string[],
	label: (value: string) => string = (value) => value,
) {
	const message = `must be exactly one of ${values.map(label).join(', ')}`;
	return z.string().refine((value) => values.includes(value), message);
}

/** `oneOf`, or empty. */
export function optionalOneOf(values: readonly string[], label?: (value: string) => string) {
	return z.preprocess(blankToUndefined, oneOf(values, label).optional());
}

/** A list of positive ids (a picker's values, or one comma-separated string from an expression). */
export function idList(max: number) {
	return z.preprocess(
		(value) => {
			if (value === undefined || value === null || value === '') return [];
			if (typeof value === 'string') return value.split(',').map((part) => part.trim());
			return Array.isArray(value) ? value : [value];
		},
		z.array(positiveId).max(max, `must list at most ${max} IDs`),
	);
}

/**
 * Messages for zod's own checks, none of which may quote the value (it can be patient data).
 * Inline messages of the pieces above take precedence over this map.
 */
export const safeMessages: z.ZodErrorMap = (issue) => {
	switch (issue.code) {
		case z.ZodIssueCode.invalid_type:
			if (issue.received === 'undefined' || issue.received === 'null')
				return { message: 'is required' };
			if (issue.expected === 'string') return { message: 'must be text' };
			return {
				message: issue.expected === 'array' ? 'must be a list' : `must be a ${issue.expected}`,
			};
		case z.ZodIssueCode.too_big:
			return { message: `must be at most ${String(issue.maximum)}` };
		case z.ZodIssueCode.too_small:
			return { message: `must be at least ${String(issue.minimum)}` };
		default:
			return { message: 'is not valid' };
	}
};

/** Display names of an operation's fields by parameter name, collection options included. */
export function fieldLabels(properties: INodeProperties[]): Record<string, string> {
	const labels: Record<string, string> = {};
	for (const property of properties) {
		// A resource locator ("Patient") is refused for its id: "Patient ID must be ...".
		labels[property.name] ??=
			property.type === 'resourceLocator' ? `${property.displayName} ID` : property.displayName;
		for (const option of property.options ?? []) {
			if ('displayName' in option && 'name' in option && typeof option.displayName === 'string') {
				labels[option.name] ??=
					'type' in option && option.type === 'resourceLocator'
						? `${option.displayName} ID`
						: option.displayName;
			}
		}
	}
	return labels;
}

/**
 * One line per field, the first problem of each (the one to fix first), named by its display
 * name: "Patient ID must be a positive whole number". Fields inside an Options collection are
 * named by their own label; list entries by their place ("(entry 2)"). No value is ever quoted.
 */
export function describeIssues(
	issues: readonly z.ZodIssue[],
	labels: Record<string, string>,
): string[] {
	const problems = new Map<string, string>();
	for (const issue of issues) {
		const path = issue.path[0] === 'options' ? issue.path.slice(1) : issue.path;
		const [field, index] = path;
		const label = labels[String(field)] ?? 'A parameter';
		const name = typeof index === 'number' ? `${label} (entry ${index + 1})` : label;
		if (!problems.has(name)) problems.set(name, `${name} ${issue.message}`);
	}
	return [...problems.values()];
}

/**
 * Parses one item's raw parameters. On failure throws a NodeOperationError such as
 * "Patient ID must be a positive whole number [item 2]": the item is n8n's item index (from 0),
 * as the editor shows it, and no refused value is ever quoted.
 */
export function parseItem<S extends z.ZodTypeAny>(
	context: IExecuteFunctions,
	itemIndex: number,
	schema: S,
	raw: Record<string, unknown>,
	labels: Record<string, string>,
): z.output<S> {
	const result = schema.safeParse(raw, { errorMap: safeMessages });
	if (result.success) return result.data as z.output<S>;
	const message = `${describeIssues(result.error.issues, labels).join('; ')} [item ${itemIndex}]`;
	throw new NodeOperationError(context.getNode(), message, { itemIndex });
}
