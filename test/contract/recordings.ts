import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

import {
	FEEDS,
	changedPath,
	subscriptionPath,
	type FeedDefinition,
} from '../../nodes/Athenahealth/feeds/catalog';

/** One recorded exchange (the shared README describes the format). */
export interface Recording {
	id: string;
	source: string;
	recorded: string;
	request: { method: string; path: string; query?: string; form?: string };
	status: number;
	headers?: Record<string, string>;
	/** Verbatim text: leading blank lines and string-typed numbers kept. */
	body: string;
	note?: string;
}

export const RECORDINGS_FILE = join(__dirname, 'recordings.json');

/** Read at run time, so new entries need no code change. */
export function loadRecordings(file = RECORDINGS_FILE): Recording[] {
	return JSON.parse(readFileSync(file, 'utf8')) as Recording[];
}

/** The shared file this copy comes from, when the checkout sits beside it (`../shared` of the repo or of a worktree). */
export function sharedRecordingsFile(): string | undefined {
	let dir = join(__dirname, '..', '..');
	for (let up = 0; up < 4; up++) {
		const candidate = join(dirname(dir), 'shared', 'athena-recorded', 'recordings.json');
		if (existsSync(candidate)) return candidate;
		dir = dirname(dir);
	}
	return undefined;
}

/** What a recorded request is, read from its method and path. */
export type Target =
	| { kind: 'token' }
	| { kind: 'subscription'; feed: FeedDefinition; practiceId: string }
	| { kind: 'events'; feed: FeedDefinition; practiceId: string }
	| { kind: 'read'; feed: FeedDefinition; practiceId: string }
	| { kind: 'other'; practiceId: string; relative: string };

export function targetOf(recording: Recording): Target {
	const { path } = recording.request;
	if (path === '/oauth2/v1/token') return { kind: 'token' };
	const match = /^\/v1\/(\d+)\/(.+)$/.exec(path);
	if (!match) throw new Error(`recording ${recording.id}: unexpected path ${path}`);
	const [, practiceId, relative] = match;
	for (const feed of FEEDS) {
		if (relative === subscriptionPath(feed)) return { kind: 'subscription', feed, practiceId };
		if (relative === `${subscriptionPath(feed)}/events`)
			return { kind: 'events', feed, practiceId };
		if (relative === changedPath(feed)) return { kind: 'read', feed, practiceId };
	}
	return { kind: 'other', practiceId, relative };
}

/** The recorded body as JSON (athena may put blank lines before it). */
export function recordedJson(recording: Recording): any {
	return JSON.parse(recording.body.trim());
}

/** Event names of a subscription-shaped body. */
export function eventNames(body: { subscriptions?: Array<{ eventname: string }> }): string[] {
	return (body.subscriptions ?? []).map((entry) => entry.eventname);
}

/**
 * The shape of a JSON value: field names and types, recursively, string-vs-number kept; an array by
 * the shape of its first element (`[]` when empty).
 */
export function shapeOf(value: unknown): unknown {
	if (Array.isArray(value)) return value.length ? [shapeOf(value[0])] : [];
	if (value === null) return 'null';
	if (typeof value === 'object') {
		return Object.fromEntries(
			Object.keys(value as object)
				.sort()
				.map((key) => [key, shapeOf((value as Record<string, unknown>)[key])]),
		);
	}
	return typeof value;
}

/** The blank lines a body starts with (athena's 2016-2020 error bodies have two). */
export function leadingWhitespace(text: string): string {
	return /^\s*/.exec(text)![0];
}
