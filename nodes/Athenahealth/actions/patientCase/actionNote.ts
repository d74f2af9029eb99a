import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { multiLine, TEXT_LIMITS } from '../../common/validation';
import { athenaRequest } from '../../transport/request';
import { writeResult } from './output';
import { actionsPath } from './paths';

/** The action-note text field, shared by Add Action Note (required) and Close (optional). */
export function actionNoteField(overrides: Partial<INodeProperties>): INodeProperties {
	return {
		displayName: 'Action Note',
		name: 'actionNote',
		type: 'string',
		typeOptions: { rows: 4 },
		default: '',
		description: `A note on the case's action history (athena's "actionnote"), at most ${TEXT_LIMITS.actionNote} characters; line breaks are kept`,
		...overrides,
	};
}

export const actionNoteSchema = multiLine(TEXT_LIMITS.actionNote);

/**
 * `POST documents/patientcase/{id}/actions` with `actionnote`. A POST: never sent twice after a
 * lost answer, as a second note would be a duplicate in the case's history.
 */
export async function postActionNote(
	context: IExecuteFunctions,
	caseId: number,
	note: string,
	itemIndex: number,
): Promise<IDataObject> {
	const { body } = await athenaRequest.call(context, {
		method: 'POST',
		path: actionsPath(caseId),
		body: { actionnote: note },
		itemIndex,
		redact: [note],
	});
	return writeResult(context, body ?? {}, { patientcaseid: caseId }, itemIndex, [note]);
}

/** The error for a change athena made whose note it then did not take: nothing is silently lost. */
export function noteNotWritten(
	context: IExecuteFunctions,
	change: string,
	error: unknown,
	itemIndex: number,
): NodeApiError {
	const cause = error as {
		message?: string;
		description?: string | null;
		httpCode?: string | null;
	};
	const message = `The patient case was ${change}, but athena did not take the action note: write it again with Add Action Note`;
	return new NodeApiError(
		context.getNode(),
		{ message },
		{
			message,
			description: `athena said: ${[cause.message, cause.description].filter(Boolean).join(' ')}`,
			httpCode: cause.httpCode ?? undefined,
			itemIndex,
		},
	);
}
