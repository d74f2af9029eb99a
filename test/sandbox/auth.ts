import { randomBytes } from 'node:crypto';
import type { SandboxClock } from './clock';
import { jsonReply, param, type RequestContext, type Reply } from './protocol';
import type { ApiClient } from './seed';
import type { Stats } from './stats';

/** The scope athena's clients ask for (athena-api.md [R]). */
const DEFAULT_SCOPE = 'athena/service/Athenanet.MDP.*';
const MINUTE_MS = 60_000;

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

	/** `POST /oauth2/v1/token`: client id and secret by HTTP Basic, a form body (athena-api.md [R]). */
	readonly grant = (ctx: RequestContext): Reply => {
		const client = this.basicClient(ctx.authorization);
		if (!client) return jsonReply(401, { error: 'invalid_client' });
		ctx.clientId = client.clientId;
		if (ctx.params.get('grant_type') !== 'client_credentials') return jsonReply(400, { error: 'unsupported_grant_type' });
		const now = this.clock.now();
		// athena-api.md [R]: past the limit, 429 until the minute ends; any 60 s window here.
		const recent = (this.issued.get(client.clientId) ?? []).filter((at) => at > now - MINUTE_MS);
		this.issued.set(client.clientId, recent);
		if (recent.length >= this.settings.rateLimitPerMinute) {
			this.stats.violation('tokenOverLimit');
			return jsonReply(429, { error: 'Too many token requests.' });
		}
		recent.push(now);
		for (const [token, issued] of this.tokens) if (issued.expiresAt <= now) this.tokens.delete(token);
		const accessToken = randomBytes(21).toString('base64url');
		const { lifetimeSec } = this.settings;
		this.tokens.set(accessToken, { clientId: client.clientId, expiresAt: now + lifetimeSec * 1000 });
		this.stats.tokensIssued++;
		return jsonReply(200, {
			access_token: accessToken,
			expires_in: lifetimeSec,
			token_type: 'Bearer',
			scope: param(ctx.params, 'scope') ?? DEFAULT_SCOPE,
		});
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
