import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { CREDENTIAL_TYPE, athenaRequest } from '../../transport/request';
import { casePath } from './paths';

/**
 * When athena refuses to change a case, its own words are terse. The seed names why a change is
 * refused (a case not created by this API client, closed or deleted); reading the case tells
 * which applies, and the error says it in words a practice manager understands, with athena's
 * message kept in the description.
 */

export type CaseChange = 'update' | 'close' | 'reopen';

/** Statuses where athena refuses rather than fails: a problem with the case, not the call. */
const REFUSALS = new Set(['400', '403', '409', '422']);

const ONLY_OWN = 'athena only lets an API client update cases it created itself';

/** Who made the case, as athena shows it; the API prefix is how API-created cases read [U]. */
function creatorOf(patientCase: IDataObject): { viaApi: boolean; user: string } | undefined {
	const user = String(patientCase.createdby ?? patientCase.createduser ?? '');
	if (!user) return undefined;
	return { viaApi: /^API-/i.test(user), user };
}

function reasonFor(patientCase: IDataObject, change: CaseChange, ownCreator: string): string | undefined {
	const status = String(patientCase.status ?? '').toUpperCase();
	if (status === 'DELETED' || patientCase.deleteddatetime) {
		return `This patient case is deleted: athena does not let anyone ${change} a deleted case`;
	}
	const creator = creatorOf(patientCase);
	if (change === 'update' && creator) {
		if (!creator.viaApi) {
			return `This patient case was created in athenaNet by a user, not through the API: ${ONLY_OWN}`;
		}
		if (creator.user.toLowerCase() !== ownCreator.toLowerCase()) {
			return `This patient case was created by another API client, not by the one in this credential: ${ONLY_OWN}`;
		}
	}
	if (status === 'CLOSED') {
		if (change === 'update') return 'This patient case is closed: athena does not let closed cases be updated. Reopen it first.';
		if (change === 'close') return 'This patient case is already closed';
	}
	if (status === 'OPEN' && change === 'reopen') return 'This patient case is already open: there is nothing to reopen';
	return undefined;
}

/**
 * The error to throw for a failed change: the plain-words one when athena refused and the case
 * explains why, else the original. Reads the case once; if that fails too, keeps the original.
 */
export async function explainRefusal(
	this: IExecuteFunctions,
	error: unknown,
	target: { patientId: number; caseId: number; change: CaseChange; itemIndex: number },
): Promise<unknown> {
	if (!(error instanceof NodeApiError) || !REFUSALS.has(String(error.httpCode))) return error;
	let patientCase: IDataObject;
	try {
		const { body } = await athenaRequest.call(this, {
			method: 'GET',
			path: casePath(target.patientId, target.caseId),
			itemIndex: target.itemIndex,
		});
		patientCase = (Array.isArray(body) ? body[0] : body) as IDataObject;
	} catch {
		return error;
	}
	const credentials = await this.getCredentials(CREDENTIAL_TYPE);
	const reason = reasonFor(patientCase ?? {}, target.change, `API-${String(credentials.clientId ?? '')}`);
	if (!reason) return error;
	const athenaSaid = [error.message, error.description].filter(Boolean).join(' ');
	return new NodeApiError(
		this.getNode(),
		{ message: reason },
		{
			message: reason,
			description: `athena said: ${athenaSaid}`,
			httpCode: error.httpCode ?? undefined,
			itemIndex: target.itemIndex,
		},
	);
}
