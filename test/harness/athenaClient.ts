/** A small athena client over real HTTP (global fetch), for tests that speak to the sandbox directly. */
import { DEMO_CLIENT, PRACTICE_ID, type Sandbox } from '../sandbox';

export interface ApiResponse<T = any> {
	status: number;
	body: T;
	text: string;
	headers: Headers;
}

type Params = Record<string, string | number | boolean | undefined>;

function encode(params: Params): string {
	const encoded = new URLSearchParams();
	for (const [name, value] of Object.entries(params))
		if (value !== undefined) encoded.append(name, String(value));
	return encoded.toString();
}

async function parse<T>(response: Response): Promise<ApiResponse<T>> {
	const text = await response.text();
	let body: any;
	try {
		body = text ? JSON.parse(text) : undefined;
	} catch {
		body = undefined;
	}
	return { status: response.status, body, text, headers: response.headers };
}

export function basic(clientId: string, secret: string): string {
	return `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}`;
}

/** `POST /oauth2/v1/token` with a form body. */
export async function requestToken(
	sandbox: Sandbox,
	options: { authorization?: string; form?: Params } = {},
): Promise<ApiResponse> {
	const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
	if (options.authorization !== undefined) headers.authorization = options.authorization;
	const response = await fetch(`${sandbox.url}/oauth2/v1/token`, {
		method: 'POST',
		headers,
		body: encode(options.form ?? { grant_type: 'client_credentials' }),
	});
	return parse(response);
}

export interface CallOptions {
	/** Parameters in the query (GET and DELETE put `params` there anyway). */
	query?: Params;
	/** Override the bearer token; null sends none. */
	token?: string | null;
	practiceId?: string;
}

/** One API client (API key) with a cached token, as athena wants tokens reused. */
export class AthenaClient {
	token: string | undefined;

	constructor(
		readonly sandbox: Sandbox,
		readonly clientId = DEMO_CLIENT.clientId,
		private readonly secret = DEMO_CLIENT.secret,
	) {}

	async login(): Promise<string> {
		const response = await requestToken(this.sandbox, {
			authorization: basic(this.clientId, this.secret),
		});
		if (response.status !== 200)
			throw new Error(`token request failed: ${response.status} ${response.text}`);
		this.token = response.body.access_token as string;
		return this.token;
	}

	/** `path` is relative to `/v1/{practiceid}/`; POST/PUT send `params` as a form body, GET/DELETE as the query. */
	async call<T = any>(
		method: string,
		path: string,
		params: Params = {},
		options: CallOptions = {},
	): Promise<ApiResponse<T>> {
		const token =
			options.token === undefined ? (this.token ?? (await this.login())) : options.token;
		const inBody = method === 'POST' || method === 'PUT';
		const query = encode({ ...(inBody ? {} : params), ...options.query });
		const headers: Record<string, string> = {};
		if (token !== null) headers.authorization = `Bearer ${token}`;
		if (inBody) headers['content-type'] = 'application/x-www-form-urlencoded';
		const url = `${this.sandbox.url}/v1/${options.practiceId ?? PRACTICE_ID}/${path}${query ? `?${query}` : ''}`;
		const response = await fetch(url, {
			method,
			headers,
			body: inBody ? encode(params) : undefined,
		});
		return parse<T>(response);
	}

	get<T = any>(path: string, params?: Params, options?: CallOptions) {
		return this.call<T>('GET', path, params, options);
	}

	post<T = any>(path: string, params?: Params, options?: CallOptions) {
		return this.call<T>('POST', path, params, options);
	}

	put<T = any>(path: string, params?: Params, options?: CallOptions) {
		return this.call<T>('PUT', path, params, options);
	}

	delete<T = any>(path: string, params?: Params, options?: CallOptions) {
		return this.call<T>('DELETE', path, params, options);
	}

	/** Follows a `next`/`previous` link as athena sends it (`/v1/...`). */
	async follow<T = any>(link: string): Promise<ApiResponse<T>> {
		const response = await fetch(`${this.sandbox.url}${link}`, {
			headers: { authorization: `Bearer ${this.token ?? (await this.login())}` },
		});
		return parse<T>(response);
	}
}
