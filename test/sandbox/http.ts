/** node:http front: routing, body parsing, bearer check, fault injection, request log. */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { changedPath, FEEDS, subscriptionPath } from '../../nodes/Athenahealth/feeds/catalog';
import { handleControl } from './control';
import type { SandboxCore } from './core';
import { faultReply, type FaultDecision } from './faults';
import { INVALID_TOKEN_REPLY } from './auth';
import {
	athenaError,
	Refusal,
	type Handler,
	type Reply,
	type RequestContext,
	type RouteName,
} from './protocol';
import { PRACTICE_ID } from './seed';
import { loggedPath, type RequestLogEntry } from './stats';

const MAX_BODY_BYTES = 1024 * 1024;
const CONTROL_PREFIX = '/_sandbox/';
const TOKEN_PATH = '/oauth2/v1/token';

type Handlers = Partial<Record<string, Handler>>;

interface Endpoint {
	route: RouteName;
	handlers: Handlers;
}

interface Target {
	route: RouteName;
	/** Set for /v1 paths: they need a bearer token and the sandbox's practice. */
	practiceId?: string;
	endpoint?: Endpoint;
	args: string[];
}

/** Pending latency timers, cleared on close so a closing server never waits on them. */
export class Timers {
	private readonly pending = new Set<NodeJS.Timeout>();

	sleep(ms: number): Promise<void> {
		return new Promise((resolve) => {
			const timer = setTimeout(() => {
				this.pending.delete(timer);
				resolve();
			}, ms);
			this.pending.add(timer);
		});
	}

	clear(): void {
		for (const timer of this.pending) clearTimeout(timer);
		this.pending.clear();
	}
}

class Router {
	private readonly token: Endpoint;
	/** Paths below /v1/{practiceid}/ without variables: the feeds' paths come from the catalog. */
	private readonly exact = new Map<string, Endpoint>();
	private readonly patterns: Array<{ pattern: RegExp; endpoint: Endpoint }>;

	constructor(core: SandboxCore) {
		const { feeds, cases, reference } = core;
		this.token = { route: 'token', handlers: { POST: core.tokens.grant } };
		for (const feed of FEEDS) {
			this.exact.set(changedPath(feed), {
				route: 'changed',
				handlers: { GET: (ctx) => feeds.read(ctx, feed) },
			});
			this.exact.set(subscriptionPath(feed), {
				route: 'subscription',
				handlers: {
					GET: (ctx) => feeds.status(ctx, feed),
					POST: (ctx) => feeds.subscribe(ctx, feed),
					DELETE: (ctx) => feeds.unsubscribe(ctx, feed),
				},
			});
			this.exact.set(`${subscriptionPath(feed)}/events`, {
				route: 'subscription',
				handlers: { GET: (ctx) => feeds.events(ctx, feed) },
			});
		}
		this.exact.set('departments', {
			route: 'departments',
			handlers: { GET: reference.departments },
		});
		this.exact.set('providers', { route: 'providers', handlers: { GET: reference.providers } });
		this.exact.set('patients/search', {
			route: 'patients',
			handlers: { GET: reference.patientSearch },
		});
		this.exact.set('reference/documents/patientcase/closereasons', {
			route: 'closereasons',
			handlers: { GET: cases.closeReasons },
		});
		const cased = (handlers: Handlers): Endpoint => ({ route: 'patientcase', handlers });
		this.patterns = [
			{
				pattern: /^patients\/(\d+)$/,
				endpoint: { route: 'patients', handlers: { GET: reference.patient } },
			},
			{
				pattern: /^patients\/(\d+)\/documents\/patientcase$/,
				endpoint: cased({ GET: cases.list, POST: cases.create }),
			},
			{
				pattern: /^patients\/(\d+)\/documents\/patientcase\/(\d+)$/,
				endpoint: cased({ GET: cases.get, PUT: cases.update }),
			},
			{
				pattern: /^patients\/(\d+)\/documents\/patientcase\/(\d+)\/close$/,
				endpoint: cased({ PUT: cases.close }),
			},
			{
				pattern: /^patients\/(\d+)\/documents\/patientcase\/(\d+)\/reopen$/,
				endpoint: cased({ PUT: cases.reopen }),
			},
			{
				pattern: /^patients\/(\d+)\/documents\/patientcase\/(\d+)\/assign$/,
				endpoint: cased({ PUT: cases.assign }),
			},
			{
				pattern: /^documents\/patientcase\/(\d+)\/actions$/,
				endpoint: cased({ GET: cases.actionNotes, POST: cases.addActionNote }),
			},
		];
	}

	resolve(pathname: string): Target {
		const path = pathname.length > 1 ? pathname.replace(/\/+$/, '') : pathname;
		if (path === TOKEN_PATH) return { route: 'token', endpoint: this.token, args: [] };
		const v1 = /^\/v1\/([^/]+)\/(.+)$/.exec(path);
		if (!v1) return { route: 'unknown', args: [] };
		const [, practiceId, relative] = v1;
		const endpoint = this.exact.get(relative);
		if (endpoint) return { route: endpoint.route, practiceId, endpoint, args: [] };
		for (const { pattern, endpoint: candidate } of this.patterns) {
			const match = pattern.exec(relative);
			if (match)
				return { route: candidate.route, practiceId, endpoint: candidate, args: match.slice(1) };
		}
		return { route: 'unknown', practiceId, args: [] };
	}
}

/** The context a handler sees, plus what the dispatcher needs back from it. */
class Exchange implements RequestContext {
	clientId: string | undefined;
	departmentIds: string[] | undefined;
	private delayed = false;
	private releases: Array<() => void> = [];

	constructor(
		readonly method: string,
		readonly url: URL,
		readonly params: URLSearchParams,
		readonly authorization: string | undefined,
		private readonly delayMs: number,
		private readonly timers: Timers,
	) {}

	async delay(): Promise<void> {
		if (this.delayed) return;
		this.delayed = true;
		if (this.delayMs > 0) await this.timers.sleep(this.delayMs);
	}

	onAnswer(release: () => void): void {
		this.releases.push(release);
	}

	answered(): void {
		for (const release of this.releases.splice(0)) release();
	}

	logDepartments(ids: readonly string[] | undefined): void {
		this.departmentIds = ids && [...ids];
	}
}

export function createSandboxServer(core: SandboxCore, timers: Timers): Server {
	const router = new Router(core);
	return createServer((req, res) => {
		handle(core, router, timers, req, res).catch((error: unknown) => {
			console.error('athena sandbox: request failed', error);
			if (!res.headersSent)
				send(res, athenaError(500, 'Sandbox internal error.'), core.clock.now());
			else res.destroy();
		});
	});
}

async function handle(
	core: SandboxCore,
	router: Router,
	timers: Timers,
	req: IncomingMessage,
	res: ServerResponse,
): Promise<void> {
	const url = new URL(req.url ?? '/', 'http://127.0.0.1');
	const method = req.method ?? 'GET';
	const body = await readBody(req);
	if (body === undefined) {
		send(res, athenaError(413, 'The request body is too large.'), core.clock.now());
		return;
	}
	if (url.pathname.startsWith(CONTROL_PREFIX)) {
		send(
			res,
			handleControl(core, method, url.pathname.slice(CONTROL_PREFIX.length), body),
			core.clock.now(),
		);
		return;
	}
	const target = router.resolve(url.pathname);
	const decision = core.faults.decide(target.route);
	const exchange = new Exchange(
		method,
		url,
		requestParams(url, req.headers['content-type'], body),
		req.headers.authorization,
		decision?.delayMs ?? 0,
		timers,
	);
	const entry: RequestLogEntry = {
		at: core.clock.now(),
		method,
		route: target.route,
		path: loggedPath(url),
		status: 0,
	};
	if (decision) entry.fault = core.stats.countFaults(decision);

	let reply: Reply | undefined;
	try {
		if (stopsBeforeProcessing(decision)) {
			await exchange.delay();
			reply = faultReply(decision!);
		} else {
			reply = await dispatch(core, target, exchange);
			await exchange.delay();
			if (decision?.outcome === 'dropAfterProcessing') reply = undefined;
		}
	} finally {
		// Also on a failing handler: a /changed in-flight window must never stay open.
		exchange.answered();
	}
	if (reply) {
		send(res, reply, core.clock.now());
		entry.status = reply.status;
	} else {
		req.socket.destroy();
	}
	entry.clientId = exchange.clientId;
	entry.departmentIds = exchange.departmentIds;
	core.stats.record(entry);
}

function stopsBeforeProcessing(decision: FaultDecision | undefined): boolean {
	return decision?.outcome !== undefined && decision.outcome !== 'dropAfterProcessing';
}

async function dispatch(core: SandboxCore, target: Target, exchange: Exchange): Promise<Reply> {
	try {
		if (target.practiceId !== undefined) {
			exchange.clientId = core.tokens.authenticate(exchange.authorization);
			if (!exchange.clientId) return INVALID_TOKEN_REPLY;
			// Every API answer carries the client's daily quota; none left: the guessed refusal.
			const quota = core.quota.take(exchange.clientId);
			if (quota.refusal) return quota.refusal;
			return withHeaders(await answer(target, exchange), quota.headers);
		}
		return await answer(target, exchange);
	} catch (error) {
		if (error instanceof Refusal) return error.reply;
		throw error;
	}
}

async function answer(target: Target, exchange: Exchange): Promise<Reply> {
	if (target.practiceId !== undefined && target.practiceId !== PRACTICE_ID) {
		return athenaError(
			404,
			'The practice ID is not valid.',
			`Practice ${target.practiceId} does not exist.`,
		);
	}
	if (!target.endpoint)
		return athenaError(
			404,
			'The requested resource does not exist.',
			`No endpoint ${exchange.method} ${exchange.url.pathname}.`,
		);
	const handler = target.endpoint.handlers[exchange.method];
	if (!handler)
		return athenaError(
			405,
			'Method not allowed.',
			`${exchange.method} is not supported on ${exchange.url.pathname}.`,
		);
	try {
		return await handler(exchange, target.args);
	} catch (error) {
		if (error instanceof Refusal) return error.reply;
		throw error;
	}
}

function withHeaders(reply: Reply, headers: Record<string, string>): Reply {
	return { ...reply, headers: { ...headers, ...reply.headers } };
}

/** Form body first, then the query: athena takes parameters from either. */
function requestParams(url: URL, contentType: string | undefined, body: string): URLSearchParams {
	const params = new URLSearchParams();
	if (body && contentType?.toLowerCase().startsWith('application/x-www-form-urlencoded')) {
		for (const [name, value] of new URLSearchParams(body)) params.append(name, value);
	}
	for (const [name, value] of url.searchParams) params.append(name, value);
	return params;
}

/** The body as text, or undefined past MAX_BODY_BYTES. */
async function readBody(req: IncomingMessage): Promise<string | undefined> {
	const chunks: Buffer[] = [];
	let size = 0;
	for await (const chunk of req as AsyncIterable<Buffer>) {
		size += chunk.length;
		if (size > MAX_BODY_BYTES) return undefined;
		chunks.push(chunk);
	}
	return Buffer.concat(chunks).toString('utf8');
}

/** `now` is the sandbox clock: athena's Date header and its processed stamps share one clock. */
function send(res: ServerResponse, reply: Reply, now: number): void {
	res.writeHead(reply.status, {
		date: new Date(now).toUTCString(),
		'content-type': 'application/json; charset=utf-8',
		'content-length': Buffer.byteLength(reply.body),
		...reply.headers,
	});
	res.end(reply.body);
}
