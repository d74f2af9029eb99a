import type {
	ICredentialDataDecryptedObject,
	IExecuteFunctions,
	INode,
	INodeProperties,
} from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { resolvePracticeId } from '../transport/baseUrl';

/**
 * One credential, many practices: both nodes take an optional Practice ID that replaces the
 * credential's for every call the node makes (`/v1/{practiceid}/`). Empty means the credential's.
 */

export const PRACTICE_PARAMETER = 'practiceId';

const PRACTICE = /^[1-9]\d{0,9}$/;

export const practiceField: INodeProperties = {
	displayName: 'Practice ID',
	name: PRACTICE_PARAMETER,
	type: 'string',
	default: '',
	placeholder: "The credential's practice",
	description:
		"The athenaNet practice this node works in, when it is not the credential's (one API client can be enabled for several practices). Leave empty to use the credential's Practice ID.",
};

/** Just the parts of n8n's contexts the override is read through. */
interface ParameterSource {
	getNode(): INode;
	getNodeParameter?: (...args: never[]) => unknown;
	getCurrentNodeParameter?: (name: string) => unknown;
	/** Only an action's execution has items. */
	getInputData?: unknown;
}

/**
 * The node's Practice ID override as digits, undefined when empty or absent; an error naming the
 * field when it is not a positive whole number. The editor's lists read the form being edited.
 */
export function practiceOverride(context: ParameterSource, itemIndex?: number): string | undefined {
	let value: unknown;
	try {
		if (typeof context.getCurrentNodeParameter === 'function') {
			value = context.getCurrentNodeParameter(PRACTICE_PARAMETER);
			// The editor cannot resolve an expression without items: its lists use the credential's practice.
			if (typeof value === 'string' && value.startsWith('=')) return undefined;
		} else if (typeof context.getInputData === 'function') {
			value = (context as unknown as IExecuteFunctions).getNodeParameter(
				PRACTICE_PARAMETER,
				itemIndex ?? 0,
				'',
			);
		} else {
			value = (context.getNodeParameter as unknown as (name: string, fallback: unknown) => unknown)(
				PRACTICE_PARAMETER,
				'',
			);
		}
	} catch {
		// A node without the parameter: the credential's.
		return undefined;
	}
	const text =
		typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : '';
	if (text === '') return undefined;
	if (!PRACTICE.test(text)) {
		const at = itemIndex === undefined ? '' : ` [item ${itemIndex}]`;
		throw new NodeOperationError(
			context.getNode(),
			`Practice ID must be a positive whole number, such as 195900${at}`,
			{ itemIndex },
		);
	}
	return text;
}

/** The practice a node works in, as a number: its override, else the credential's (an error names the credential's field). */
export function practiceIdOf(
	node: INode,
	credentials: ICredentialDataDecryptedObject,
	itemIndex?: number,
	override?: string,
): number {
	if (override !== undefined) return Number(override);
	try {
		return Number(resolvePracticeId(credentials));
	} catch (error) {
		throw new NodeOperationError(node, `Athenahealth credential: ${(error as Error).message}`, {
			itemIndex,
		});
	}
}
