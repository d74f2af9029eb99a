import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { isOpenStatus } from '../../reference/patientCase';
import { athenaRequest } from '../../transport/request';
import { casePath } from './paths';

/**
 * When athena refuses to change a case, its own words are terse. Reading the case shows facts
 * that explain them: its status and its `createduser`. The explanation is built from those facts
 * and athena's message only (docs/athena-contract.md#patient-cases):
 * - a 400 keeps athena's message; the facts go in the description;
 * - a 403 on a case whose creator is not an `API-` user says "created in athenaNet by a user";
 *   one created by an `API-` user is never called "another API client's": which API user this
 *   credential is cannot be known, so the error names the creator and the rule.
 */

export type CaseChange = 'update' | 'close' | 'reopen' | 'assign';

/** Statuses where athena refuses rather than fails: a problem with the case, not the call. */
const REFUSALS = new Set(['400', '403', '409', '422']);

const PAST: Record<CaseChange, string> = {
	update: 'updated',
	close: 'closed',
	reopen: 'reopened',
	assign: 'assigned',
};

/** The user that created the case, as athena shows it; `API-<number>` for API users. */
function creatorOf(patientCase: IDataObject): { viaApi: boolean; user: string } | undefined {
	const user = typeof patientCase.createduser === 'string' ? patientCase.createduser : '';
	if (!user) return undefined;
	return { viaApi: /^API-\d+$/.test(user), user };
}

/** What the case's status says about the refused change, or undefined when it explains nothing. */
function stateFact(patientCase: IDataObject, change: CaseChange): string | undefined {
	const status = typeof patientCase.status === 'string' ? patientCase.status.toUpperCase() : '';
	if (!status) return undefined;
	if (status === 'DELETED')
		return `This patient case is DELETED: athena does not let a deleted case be ${PAST[change]}.`;
	if (status === 'CLOSED') {
		if (change === 'close') return 'This patient case is already closed (it reads CLOSED).';
		if (change === 'update')
			return 'This patient case is CLOSED: athena does not let a closed case be updated. Reopen it first.';
	}
	if (change === 'reopen' && isOpenStatus(status)) {
		return `This patient case is open (it reads ${status}): there is nothing to reopen.`;
	}
	return undefined;
}

/** Whether a change of this kind left the case as it now reads. */
function looksDone(patientCase: IDataObject, change: CaseChange): boolean {
	const status = typeof patientCase.status === 'string' ? patientCase.status.toUpperCase() : '';
	if (change === 'close') return status === 'CLOSED';
	if (change === 'reopen') return isOpenStatus(status);
	return false;
}

export type RefusalOutcome =
	/** Throw this error. */
	| { error: unknown }
	/** The request was retried and athena refused the retry, but the case reads as the change left it. */
	| { done: IDataObject };

/**
 * What to do with a failed change: throw the original error, an explained one, or (for a retried
 * close or reopen whose first attempt athena did) report the case as it now reads. Reads the
 * case once; if that fails too, keeps the original.
 */
export async function explainRefusal(
	this: IExecuteFunctions,
	error: unknown,
	target: { patientId: number; caseId: number; change: CaseChange; itemIndex: number },
): Promise<RefusalOutcome> {
	if (!(error instanceof NodeApiError) || !REFUSALS.has(String(error.httpCode))) return { error };
	let patientCase: IDataObject | undefined;
	try {
		const { body } = await athenaRequest.call(this, {
			method: 'GET',
			path: casePath(target.patientId, target.caseId),
			itemIndex: target.itemIndex,
		});
		patientCase = (Array.isArray(body) ? body[0] : body) as IDataObject | undefined;
	} catch {
		return { error };
	}
	if (!patientCase) return { error };

	const attempts = Number(error.context.attempts ?? 1);
	if (attempts > 1 && looksDone(patientCase, target.change)) return { done: patientCase };

	const facts: string[] = [];
	const state = stateFact(patientCase, target.change);
	if (state) facts.push(state);
	const creator = error.httpCode === '403' ? creatorOf(patientCase) : undefined;
	let message = error.message;
	if (creator && !creator.viaApi) {
		message = `This patient case was created in athenaNet by a user, not through the API: athena lets an API client change only cases created through the API`;
	} else if (creator) {
		facts.push(
			`This patient case was created through the API by ${creator.user}; athena lets an API user change only the cases it created itself.`,
		);
	}
	if (facts.length === 0 && message === error.message) return { error };
	const athenaSaid = [error.message, error.description].filter(Boolean).join(' ');
	return {
		error: new NodeApiError(
			this.getNode(),
			{ message },
			{
				message,
				description: `${facts.join(' ')}${facts.length ? ' ' : ''}athena said: ${athenaSaid}`,
				httpCode: error.httpCode ?? undefined,
				itemIndex: target.itemIndex,
			},
		),
	};
}

/** The item for a retried change athena had already made (see explainRefusal). */
export function doneByEarlierAttempt(
	patientCase: IDataObject,
	ids: IDataObject,
	change: CaseChange,
): IDataObject {
	const status = String(patientCase.status ?? '');
	return {
		success: true,
		...ids,
		status,
		outcome: `athena's answer to the first attempt was lost and it refused the retry; the case now reads ${status}, so it was ${PAST[change]}, most likely by that first attempt`,
	};
}
