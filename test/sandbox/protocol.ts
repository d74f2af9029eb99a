/** What handlers share: replies, athena's error shapes, the request context and parameter readers. */

/** Reference-data routes; a fault rule for `reference` covers them all. */
export const REFERENCE_ROUTES = ['departments', 'providers', 'patients', 'closereasons'] as const;

/** What fault rules match and the stats count requests by. */
export type RouteName =
	| 'token'
	| 'changed'
	| 'subscription'
	| 'patientcase'
	| (typeof REFERENCE_ROUTES)[number]
	| 'unknown';

/** A route's family: `reference` for the reference routes, the route itself otherwise. */
export function routeFamily(route: RouteName): string {
	return (REFERENCE_ROUTES as readonly string[]).includes(route) ? 'reference' : route;
}

export interface Reply {
	status: number;
	/** Already-serialized JSON: /changed pages are assembled from pre-serialized records. */
	body: string;
	headers?: Record<string, string>;
}

export function jsonReply(status: number, value: unknown): Reply {
	return { status, body: JSON.stringify(value) };
}

/** athena's error body (docs/athena-contract.md#errors): `error`, usually `detailedmessage`, sometimes `missingfields`. */
export function athenaError(
	status: number,
	error: string,
	detailedmessage?: string,
	extra?: Record<string, unknown>,
): Reply {
	return jsonReply(status, {
		error,
		...(detailedmessage === undefined ? {} : { detailedmessage }),
		...extra,
	});
}

/** Thrown by handlers to answer with an error; the dispatcher sends its reply. */
export class Refusal extends Error {
	constructor(readonly reply: Reply) {
		super(`refused with ${reply.status}: ${reply.body}`);
	}
}

export function refuse(
	status: number,
	error: string,
	detailedmessage?: string,
	extra?: Record<string, unknown>,
): never {
	throw new Refusal(athenaError(status, error, detailedmessage, extra));
}

export function refuseInvalid(detailedmessage: string): never {
	refuse(400, 'The data provided is invalid.', detailedmessage);
}

/** athena's missing-field body: the field names and `error`, no `detailedmessage` (docs/athena-contract.md#errors). */
export function refuseMissing(fields: string[]): never {
	throw new Refusal(
		jsonReply(400, { missingfields: fields, error: 'Additional fields are required.' }),
	);
}

/** athena's invalid-field body: like the missing-field one, with `invalidfields`. */
export function refuseInvalidFields(fields: string[]): never {
	throw new Refusal(
		jsonReply(400, { invalidfields: fields, error: 'The data provided is invalid.' }),
	);
}

/**
 * athena's exact answer to a value outside an enum, recorded `create-patient-case-lowercase-source`:
 * the body starts with two blank lines and `detailedmessage` comes first.
 */
export function refuseEnum(value: string, athenaName: string): never {
	const body = JSON.stringify({
		detailedmessage: `The value '${value}' did not match any of the enum values for ${athenaName}`,
		error: 'The data provided is invalid.',
	});
	throw new Refusal({ status: 400, body: `\n\n${body}` });
}

export interface RequestContext {
	readonly method: string;
	readonly url: URL;
	/** Form body and query together (body first), as athena accepts either. */
	readonly params: URLSearchParams;
	readonly authorization: string | undefined;
	/** The API client: from the bearer token on /v1, from Basic auth on the token endpoint. */
	clientId: string | undefined;
	/** Waits out the injected latency once; the dispatcher calls it before answering if the handler did not. */
	delay(): Promise<void>;
	/** Runs just before the answer leaves (or the socket is dropped): ends /changed in-flight windows. */
	onAnswer(release: () => void): void;
	/** Departments the request targets, for the request log. */
	logDepartments(ids: readonly string[] | undefined): void;
}

export type Handler = (ctx: RequestContext, args: readonly string[]) => Reply | Promise<Reply>;

/** A parameter's value, an empty one counting as absent. */
export function param(params: URLSearchParams, name: string): string | undefined {
	const value = params.get(name);
	return value === null || value === '' ? undefined : value;
}

/** Comma lists and repeated parameters alike. */
export function listParam(params: URLSearchParams, name: string): string[] | undefined {
	const values = params
		.getAll(name)
		.flatMap((value) => value.split(','))
		.map((value) => value.trim())
		.filter(Boolean);
	return values.length ? values : undefined;
}

/** athena's booleans arrive as `true`/`"true"` in any case. */
export function flagParam(params: URLSearchParams, name: string): boolean {
	return params.get(name)?.toLowerCase() === 'true';
}

/** A non-negative integer parameter; anything else is refused naming it. */
export function countParam(params: URLSearchParams, name: string): number | undefined {
	const value = param(params, name);
	if (value === undefined) return undefined;
	if (!/^\d{1,9}$/.test(value))
		refuseInvalid(`The value '${value}' is not a valid ${name.toUpperCase()}.`);
	return Number(value);
}
