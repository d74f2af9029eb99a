import type {
	IDataObject,
	IExecuteFunctions,
	IHookFunctions,
	IHttpRequestMethods,
	IHttpRequestOptions,
	ILoadOptionsFunctions,
	IPollFunctions,
} from 'n8n-workflow';
import { NodeOperationError, sleep } from 'n8n-workflow';

import { practiceOverride } from '../common/practice';
import { CredentialSettingError, resolveBaseUrl, resolvePracticeId } from './baseUrl';
import { isRetryable, readFailure, readQuota, toNodeApiError, type Quota } from './errors';
import { DEFAULT_RETRY, backoffDelay, type RetryPolicy } from './retry';

export type AthenaContext =
	| IExecuteFunctions
	| IPollFunctions
	| ILoadOptionsFunctions
	| IHookFunctions;

export const CREDENTIAL_TYPE = 'athenahealthApi';

export interface AthenaRequest {
	method: IHttpRequestMethods;
	/** Path below `/v1/{practiceid}/`, built from validated values only. */
	path: string;
	qs?: IDataObject;
	/** Sent form-encoded, as athena expects. */
	body?: IDataObject;
	/**
	 * Whether the call may be sent again after a dropped connection or a 5xx, when athena may
	 * already have done it. Default: every method but POST. Creating a case is not.
	 */
	idempotent?: boolean;
	/** Item the call serves, for the error. */
	itemIndex?: number;
	/** Sent values athena must not echo into an error (notes, names). */
	redact?: string[];
	retry?: Partial<RetryPolicy>;
	/** The practice to call instead of the node's (its Practice ID, else the credential's). */
	practiceId?: string;
	/** Gives up waiting for athena's answer after this long (a dropped connection to the caller). */
	timeoutMs?: number;
}

export interface AthenaResponse {
	/** athena's JSON; a few endpoints answer with an array (cast at the call site). */
	body: IDataObject;
	statusCode: number;
	/** athena's clock, from the `Date` header (ms), when sent. */
	serverTime?: number;
	/** athena's daily request quota, from the X-RateLimit headers, when sent. */
	quota?: Quota;
}

const SAFE_PATH = /^[a-z0-9]+(\/[a-z0-9]+)*$/i;
/** A changed-data read or subscription call (signed-off orders have no `/changed` segment). */
const FEED_CALL = /(^|\/)changed(\/|$)|^orders\/signedoff(\/|$)/;

/** Form encoding for athena: booleans as "true"/"false", lists comma-joined, empty values left out. */
export function formEncode(body: IDataObject): string {
	const form = new URLSearchParams();
	for (const [key, value] of Object.entries(body)) {
		if (value === undefined || value === null || value === '') continue;
		form.append(key, Array.isArray(value) ? value.join(',') : String(value));
	}
	return form.toString();
}

/**
 * The one request function of both nodes: builds `/v1/{practiceid}/...`, authenticates through the
 * athenahealthApi credential, retries what can safely be retried, and maps failures to NodeApiError.
 */
export async function athenaRequest(
	this: AthenaContext,
	request: AthenaRequest,
): Promise<AthenaResponse> {
	const policy = { ...DEFAULT_RETRY, ...request.retry };
	// getNode() copies the node and its parameters (a trigger's 400 department ids): only for an error.
	if (!SAFE_PATH.test(request.path)) {
		throw new NodeOperationError(
			this.getNode(),
			`Refused to call an unsafe athena path "${request.path}"`,
			{
				itemIndex: request.itemIndex,
			},
		);
	}

	const credentials = await this.getCredentials(CREDENTIAL_TYPE);
	let url: string;
	try {
		const practiceId =
			request.practiceId ??
			practiceOverride(this, request.itemIndex) ??
			resolvePracticeId(credentials);
		url = `${resolveBaseUrl(credentials)}/v1/${practiceId}/${request.path}`;
	} catch (error) {
		if (error instanceof CredentialSettingError) {
			throw new NodeOperationError(this.getNode(), `Athenahealth credential: ${error.message}`, {
				itemIndex: request.itemIndex,
			});
		}
		throw new NodeOperationError(this.getNode(), error as Error, { itemIndex: request.itemIndex });
	}

	const options: IHttpRequestOptions = {
		method: request.method,
		url,
		qs: request.qs,
		json: true,
		returnFullResponse: true,
	};
	if (request.timeoutMs !== undefined) options.timeout = request.timeoutMs;
	if (request.body) {
		// DELETE takes eventname and the flags in the query (docs/athena-contract.md#subscriptions); the form too, harmlessly.
		options.body = formEncode(request.body);
		options.headers = { 'Content-Type': 'application/x-www-form-urlencoded' };
		if (request.method === 'DELETE') options.qs = { ...request.qs, ...request.body };
	}
	const idempotent = request.idempotent ?? request.method !== 'POST';

	for (let attempt = 1; ; attempt++) {
		try {
			const response = (await this.helpers.httpRequestWithAuthentication.call(
				this,
				CREDENTIAL_TYPE,
				options,
			)) as {
				body: IDataObject;
				statusCode: number;
				headers?: Record<string, string>;
			};
			const date = response.headers?.date ? Date.parse(response.headers.date) : NaN;
			return {
				body: response.body,
				statusCode: response.statusCode,
				serverTime: Number.isNaN(date) ? undefined : date,
				quota: readQuota(response.headers),
			};
		} catch (error) {
			const failure = readFailure(error);
			if (attempt >= policy.maxAttempts || !isRetryable(failure, idempotent)) {
				throw toNodeApiError(this.getNode(), failure, attempt, {
					itemIndex: request.itemIndex,
					redact: request.redact,
					feedCall: FEED_CALL.test(request.path),
				});
			}
			await sleep(backoffDelay(attempt, policy, failure.retryAfterMs));
		}
	}
}
