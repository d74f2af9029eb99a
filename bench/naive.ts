import type { IDataObject, IHttpRequestOptions } from 'n8n-workflow';

import {
	changedPath,
	subscriptionPath,
	type FeedDefinition,
} from '../nodes/Athenahealth/feeds/catalog';

type HttpRequest = (options: IHttpRequestOptions) => Promise<unknown>;

export interface NaivePass {
	calls: number;
	records: number;
	wallMs: number;
}

export interface NaiveResult {
	passes: NaivePass[];
	calls: number;
	records: number;
	wallMs: number;
}

/**
 * What a hand-built n8n workflow does (Schedule Trigger + HTTP Request with "Response Contains Next
 * URL" pagination): one call at a time, the whole practice, `limit=1000`, following athena's `next`
 * link until there is none. On a delete-on-read feed each call removes its page, so the next offset
 * skips as many queued records: one pass reads about half the backlog and leaves the rest. The
 * backlog is drained by running passes back to back, as successive schedule ticks would (but
 * without the minute between them, which favours the naive loop). It uses n8n's own HTTP helper
 * (axios, JSON parse), like the HTTP Request node, and does no transform at all: also in its favour.
 */
export async function naiveDrain(
	http: HttpRequest,
	baseUrl: string,
	practiceId: string,
	token: string,
	feed: FeedDefinition,
): Promise<NaiveResult> {
	const headers = { Authorization: `Bearer ${token}` };
	const first = `/v1/${practiceId}/${changedPath(feed)}?limit=1000`;
	const passes: NaivePass[] = [];
	const started = performance.now();
	for (;;) {
		const pass: NaivePass = { calls: 0, records: 0, wallMs: 0 };
		const passStarted = performance.now();
		for (let next: string | undefined = first; next !== undefined; ) {
			const body = (await http({
				method: 'GET',
				url: `${baseUrl}${next}`,
				headers,
				json: true,
			})) as IDataObject;
			pass.calls++;
			pass.records += (body[feed.recordKey] as unknown[] | undefined)?.length ?? 0;
			next = typeof body.next === 'string' ? body.next : undefined;
		}
		pass.wallMs = performance.now() - passStarted;
		passes.push(pass);
		if (pass.records === 0) break;
	}
	return {
		passes,
		calls: passes.reduce((sum, pass) => sum + pass.calls, 0),
		records: passes.reduce((sum, pass) => sum + pass.records, 0),
		wallMs: performance.now() - started,
	};
}

/** The naive workflow's own token (an OAuth2 client-credentials credential fetches one too). */
export async function fetchToken(
	http: HttpRequest,
	baseUrl: string,
	clientId: string,
	secret: string,
): Promise<string> {
	const body = (await http({
		method: 'POST',
		url: `${baseUrl}/oauth2/v1/token`,
		auth: { username: clientId, password: secret },
		headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
		body: 'grant_type=client_credentials&scope=athena/service/Athenanet.MDP.*',
		json: true,
	})) as { access_token: string };
	return body.access_token;
}

/** Subscribes the naive workflow's client to the whole practice. */
export async function subscribeWholePractice(
	http: HttpRequest,
	baseUrl: string,
	practiceId: string,
	token: string,
	feed: FeedDefinition,
): Promise<void> {
	await http({
		method: 'POST',
		url: `${baseUrl}/v1/${practiceId}/${subscriptionPath(feed)}`,
		headers: {
			Authorization: `Bearer ${token}`,
			'Content-Type': 'application/x-www-form-urlencoded',
		},
		body: '',
		json: true,
	});
}

export async function unsubscribe(
	http: HttpRequest,
	baseUrl: string,
	practiceId: string,
	token: string,
	feed: FeedDefinition,
): Promise<void> {
	await http({
		method: 'DELETE',
		url: `${baseUrl}/v1/${practiceId}/${subscriptionPath(feed)}`,
		headers: { Authorization: `Bearer ${token}` },
		json: true,
	});
}
