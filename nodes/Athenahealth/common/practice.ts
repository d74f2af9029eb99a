import type { ICredentialDataDecryptedObject, INode } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { resolvePracticeId } from '../transport/baseUrl';

/** The credential's practice id as a number, or an error that names the credential's field. */
export function practiceIdOf(node: INode, credentials: ICredentialDataDecryptedObject, itemIndex?: number): number {
	try {
		return Number(resolvePracticeId(credentials));
	} catch (error) {
		throw new NodeOperationError(node, `Athenahealth credential: ${(error as Error).message}`, { itemIndex });
	}
}
