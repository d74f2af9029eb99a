import type {
	IDataObject,
	IDisplayOptions,
	IExecuteFunctions,
	INodeProperties,
} from 'n8n-workflow';

import { META_KEY } from './records';

/**
 * What a reading operation returns: full athena records, or a narrower item. In a workflow,
 * "Simplify" (n8n's guideline for records wider than ten fields): on for nodes added from version
 * 1.1, off for version 1, so workflows saved before it keep their full records. When the node runs
 * as an AI agent's tool, "Output" instead: simplified, raw or selected fields.
 */

export const V1: IDisplayOptions['show'] = { '@version': [1] };
export const FROM_V1_1: IDisplayOptions['show'] = { '@version': [{ _cnd: { gte: 1.1 } }] };
const AS_TOOL: IDisplayOptions['hide'] = { '@tool': [true] };

const simplifyDescription = (what: string) =>
	`Whether to return about ten useful fields of each ${what} (IDs, status, dates, department, patient) instead of the full record`;

/** Simplify as version 1 has it: off, so workflows saved before it keep full records. */
export function simplifyOffField(what: string): INodeProperties {
	return {
		displayName: 'Simplify',
		name: 'simplify',
		type: 'boolean',
		default: false,
		description: simplifyDescription(what),
		displayOptions: { show: V1, hide: AS_TOOL },
	};
}

/** Simplify from version 1.1 on: on for nodes added now (records wider than ten fields). */
export function simplifyOnField(what: string): INodeProperties {
	return {
		displayName: 'Simplify',
		name: 'simplify',
		type: 'boolean',
		default: true,
		description: simplifyDescription(what),
		displayOptions: { show: FROM_V1_1, hide: AS_TOOL },
	};
}

/** Simplify (per version) for a workflow; Output and Fields for an agent. `what` names a record: "case", "record". */
export function outputFields(what: string): INodeProperties[] {
	return [
		simplifyOffField(what),
		simplifyOnField(what),
		{
			displayName: 'Output',
			name: 'output',
			type: 'options',
			default: 'simplified',
			description: 'Which fields of each result to send to the agent',
			options: [
				{ name: 'Raw', value: 'raw', description: 'Send every field athena returns' },
				{
					name: 'Selected Fields',
					value: 'selected',
					description: 'Send only the fields you list',
				},
				{
					name: 'Simplified',
					value: 'simplified',
					description: `Send about ten useful fields of each ${what}`,
				},
			],
			displayOptions: { show: { '@tool': [true] } },
		},
		{
			displayName: 'Fields',
			name: 'outputFields',
			type: 'string',
			default: '',
			placeholder: 'e.g. status,subject',
			description:
				"Field names to send, as athena names them, separated by commas; the record's IDs (and _athena) are always sent",
			displayOptions: { show: { '@tool': [true], output: ['selected'] } },
		},
	];
}

/** Whether this node runs as an AI agent's tool (n8n names the tool variant of a node `<name>Tool`). */
export function runsAsTool(context: IExecuteFunctions): boolean {
	return context.getNode().type.endsWith('Tool');
}

const FIELD_NAME = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;

/**
 * The fields an item keeps, or undefined for the full record. `simplified` is the operation's
 * list (the feed catalog's, for feeds); `ids` are always kept with Selected Fields.
 */
export function keptFields(
	context: IExecuteFunctions,
	itemIndex: number,
	simplified: readonly string[],
	ids: readonly string[],
): readonly string[] | undefined {
	if (runsAsTool(context)) {
		const output = context.getNodeParameter('output', itemIndex, 'simplified') as string;
		if (output === 'raw') return undefined;
		if (output !== 'selected') return simplified;
		const listed = String(context.getNodeParameter('outputFields', itemIndex, ''))
			.split(',')
			.map((name) => name.trim())
			.filter((name) => FIELD_NAME.test(name));
		return [...new Set([...ids, ...listed])];
	}
	return context.getNodeParameter('simplify', itemIndex, false) === true ? simplified : undefined;
}

/** The record narrowed to `fields` that it has, `_athena` kept. */
export function pickFields(
	record: IDataObject,
	fields: readonly string[] | undefined,
): IDataObject {
	if (!fields) return record;
	const out: IDataObject = {};
	for (const field of fields) if (record[field] !== undefined) out[field] = record[field];
	if (record[META_KEY] !== undefined) out[META_KEY] = record[META_KEY];
	return out;
}
