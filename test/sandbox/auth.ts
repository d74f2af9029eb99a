import { randomBytes } from 'node:crypto';
import type { SandboxClock } from './clock';
import { jsonReply, param, type RequestContext, type Reply } from './protocol';
import type { ApiClient } from './seed';
import type { Stats } from './stats';

/** The scope athena's clients ask for, and the only one the sandbox's app policy grants. */
export const DEFAULT_SCOPE = 'athena/service/Athenanet.MDP.*';
const MINUTE_MS = 60_000;

/**
 * athena's 401 for an expired or unknown token, as recorded in 2025: pretty-printed, with a
 * `WWW-Authenticate` header (docs/athena-contract.md#authentication).
 */
export const INVALID_TOKEN_REPLY: Reply = {
	status: 401,
	body: `{
    "error": "Invalid Access Token.",
    "detailedmessage": "The access token provided is not valid. Please verify the token is correct and provided as a bearer token in the authorization header."
}
`,
	headers: {
		'www-authenticate':
			'Bearer realm="null",error="invalid_token",error_description="keymanagement.service.invalid_access_token: Invalid Access Token"',
	},
};

/** athena's token answer to a scope the app's policy does not grant (recorded in a field report). */
const POLICY_REFUSAL = {
	detailedmessage:
		'Policy evaluation failed for this request, please check the policy configurations.',
	error: 'access_denied',
};

interface IssuedToken {
	clientId: string;
	expiresAt: number;
}

export interface TokenSettings {
	lifetimeSec: number;
	rateLimitPerMinute: number;
}

/** The OAuth client-credentials endpoint and the bearer check every /v1 call goes through. */
export class TokenStore {
	settings: TokenSettings;
	private readonly tokens = new Map<string, IssuedToken>();
	/** Issue times per client, for the per-minute token limit. */
	private readonly issued = new Map<string, number[]>();

	constructor(
		private readonly clients: readonly ApiClient[],
		private readonly clock: SandboxClock,
		private readonly stats: Stats,
		private readonly defaults: TokenSettings,
	) {
		this.settings = { ...defaults };
	}

	/**
	 * `POST /oauth2/v1/token`: client id and secret by HTTP Basic, a form body. Answers as recorded:
	 * `expires_in` a string, `X-RateLimit-Limit`/`-Remaining` for the tokens of this calendar minute
	 * (docs/athena-contract.md#authentication). athena's answer to a wrong secret is unconfirmed:
	 * the sandbox answers Okta's `invalid_client`.
	 */
	readonly grant = (ctx: RequestContext): Reply => {
		const client = this.basicClient(ctx.authorization);
		if (!client)
			return jsonReply(401, {
				error: 'invalid_client',
				error_description: 'Client authentication failed.',
			});
		ctx.clientId = client.clientId;
		if (ctx.params.get('grant_type') !== 'client_credentials')
			return jsonReply(400, { error: 'unsupported_grant_type' });
		const scope = param(ctx.params, 'scope') ?? DEFAULT_SCOPE;
		if (scope !== DEFAULT_SCOPE) return jsonReply(401, POLICY_REFUSAL);
		const now = this.clock.now();
		// Past the limit, 429 for the rest of the calendar minute (the count resets at its top).
		const minute = Math.floor(now / MINUTE_MS);
		const recent = (this.issued.get(client.clientId) ?? []).filter(
			(at) => Math.floor(at / MINUTE_MS) === minute,
		);
		this.issued.set(client.clientId, recent);
		const limit = this.settings.rateLimitPerMinute;
		if (recent.length >= limit) {
			this.stats.violation('tokenOverLimit');
			return {
				...jsonReply(429, { error: 'Too many token requests.' }),
				headers: rateHeaders(limit, 0),
			};
		}
		recent.push(now);
		for (const [token, issued] of this.tokens)
			if (issued.expiresAt <= now) this.tokens.delete(token);
		const accessToken = randomBytes(21).toString('base64url');
		const { lifetimeSec } = this.settings;
		this.tokens.set(accessToken, {
			clientId: client.clientId,
			expiresAt: now + lifetimeSec * 1000,
		});
		this.stats.tokensIssued++;
		return {
			...jsonReply(200, {
				token_type: 'Bearer',
				expires_in: String(lifetimeSec),
				access_token: accessToken,
				scope,
			}),
			headers: rateHeaders(limit, limit - recent.length),
		};
	};

	/** The client a live bearer token belongs to, or undefined (missing, unknown or expired). */
	authenticate(authorization: string | undefined): string | undefined {
		const token = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '')?.[1];
		const issued = token === undefined ? undefined : this.tokens.get(token);
		if (!issued) return undefined;
		if (issued.expiresAt <= this.clock.now()) {
			this.tokens.delete(token!);
			return undefined;
		}
		return issued.clientId;
	}

	expireAll(): void {
		this.tokens.clear();
	}

	reset(): void {
		this.tokens.clear();
		this.issued.clear();
		this.settings = { ...this.defaults };
	}

	private basicClient(authorization: string | undefined): ApiClient | undefined {
		const encoded = /^Basic\s+(\S+)\s*$/i.exec(authorization ?? '')?.[1];
		if (!encoded) return undefined;
		const decoded = Buffer.from(encoded, 'base64').toString('utf8');
		const colon = decoded.indexOf(':');
		if (colon < 0) return undefined;
		const clientId = decoded.slice(0, colon);
		const secret = decoded.slice(colon + 1);
		return this.clients.find((client) => client.clientId === clientId && client.secret === secret);
	}
}

export function rateHeaders(limit: number, remaining: number): Record<string, string> {
	return {
		'x-ratelimit-limit': String(limit),
		'x-ratelimit-remaining': String(Math.max(0, remaining)),
	};
}
