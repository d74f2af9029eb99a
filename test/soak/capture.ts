import { format } from 'node:util';

import { Logger } from '@n8n/backend-common';
import { Container } from '@n8n/di';
import type { ICredentialDataDecryptedObject, IHttpRequestHelper } from 'n8n-workflow';
import Transport from 'winston-transport';

import { InMemoryCredentialsHelper } from '../harness/credentials';
import { sandboxCredentialData } from '../sandbox';

/**
 * What the soak watches for leaks: everything the nodes print (console) or log (n8n's logger, at
 * debug level), every error they raise, and the metadata they add to output items. Secrets are
 * collected as the run makes them (client secret, every bearer token issued, patient names of
 * injected records, the notes sent), and every text is scanned for every secret at the end.
 */

export type SecretKind = 'clientSecret' | 'bearerToken' | 'patientText' | 'note';
export type TextSource = 'error' | 'log' | 'console' | 'outputMetadata' | 'output';

export interface LeakFinding {
	kind: SecretKind;
	source: TextSource;
	/** Where the text came from (e.g. "bad input: create, a 4001-character note"). */
	where: string;
	/** The first characters of the leaked value, enough to recognise it in a report. */
	value: string;
}

/** Secrets no output item may ever hold, patient data or not. */
export const CREDENTIAL_SECRETS: readonly SecretKind[] = ['clientSecret', 'bearerToken'];

const CONSOLE_METHODS = ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const;

/** Texts to scan, by source; appended to as the run goes. */
export class Corpus {
	/** `kinds`: the secrets to look for in the text (all when absent). */
	readonly texts: Array<{
		source: TextSource;
		where: string;
		text: string;
		kinds?: readonly SecretKind[];
	}> = [];
	private readonly secrets = new Map<string, SecretKind>();
	consoleLines = 0;
	logLines = 0;
	errors = 0;

	add(source: TextSource, where: string, text: string, kinds?: readonly SecretKind[]): void {
		if (text) this.texts.push({ source, where, text, kinds });
	}

	/** Everything an error could show a user or a log: message, description, stack, its JSON and every field it carries. */
	addError(where: string, error: unknown): void {
		this.errors++;
		this.add('error', where, errorText(error));
	}

	secret(kind: SecretKind, value: unknown): void {
		if (typeof value !== 'string') return;
		const text = value.trim();
		// Short values (e.g. a first name of 4 letters) are still distinctive here; shorter ones are not.
		if (text.length >= 4 && !this.secrets.has(text)) this.secrets.set(text, kind);
	}

	secretCount(kind?: SecretKind): number {
		return kind
			? [...this.secrets.values()].filter((known) => known === kind).length
			: this.secrets.size;
	}

	/** Every occurrence of a secret in a text (one finding per secret and text). */
	scan(): LeakFinding[] {
		const findings: LeakFinding[] = [];
		for (const { source, where, text, kinds } of this.texts) {
			for (const [value, kind] of this.secrets) {
				if (kinds && !kinds.includes(kind)) continue;
				if (!text.includes(value)) continue;
				// Names are words: "Casey" inside "Caseyville" is not a leak, "Casey" alone is.
				if (
					kind === 'patientText' &&
					!new RegExp(`(^|[^A-Za-z])${escapeRegExp(value)}([^A-Za-z]|$)`).test(text)
				)
					continue;
				findings.push({
					kind,
					source,
					where,
					value: value.length > 24 ? `${value.slice(0, 24)}…` : value,
				});
			}
		}
		return findings;
	}
}

/**
 * The scan checks itself: a token hidden in a wrapped error's cause (as axios keeps its request
 * headers), a note in a log line and a name in metadata must all be found, and a name inside a
 * longer word must not.
 */
export function scannerWorks(): boolean {
	const corpus = new Corpus();
	corpus.secret('bearerToken', 'canary-token-7f3a9c');
	corpus.secret('note', 'canary-note-51be');
	corpus.secret('patientText', 'Casey');
	const inner = Object.assign(new Error('socket hang up'), {
		config: { headers: { Authorization: 'Bearer canary-token-7f3a9c' } },
	});
	const outer = new Error('athena had a server error', { cause: inner });
	Object.defineProperty(outer, 'hidden', {
		value: { body: 'canary-note-51be' },
		enumerable: false,
	});
	corpus.addError('canary', outer);
	corpus.add('log', 'canary', '{"message":"read 3 records","record":{"firstname":"Casey"}}');
	corpus.add('outputMetadata', 'canary', '{"city":"Caseyville"}');
	const found = corpus
		.scan()
		.map((leak) => `${leak.kind}/${leak.source}`)
		.sort();
	return (
		JSON.stringify(found) === JSON.stringify(['bearerToken/error', 'note/error', 'patientText/log'])
	);
}

function escapeRegExp(text: string): string {
	return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * An error as text: message, description, stack, JSON (what n8n stores) and a walk over every own
 * property, enumerable or not, down the `cause` chain. The `node` field is left out: it is the
 * workflow's node with the parameters the user typed, which n8n shows them anyway.
 */
export function errorText(error: unknown): string {
	if (!(error instanceof Object)) return String(error);
	const parts: string[] = [];
	const record = error as { message?: unknown; description?: unknown; stack?: unknown };
	parts.push(
		String(record.message ?? ''),
		String(record.description ?? ''),
		String(record.stack ?? ''),
	);
	try {
		parts.push(JSON.stringify(error));
	} catch {
		parts.push('[unserialisable]');
	}
	parts.push(walk(error, new Set(), 0));
	return parts.join('\n');
}

function walk(value: unknown, seen: Set<unknown>, depth: number): string {
	if (value === null || value === undefined) return '';
	if (typeof value === 'string') return value;
	if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
		return String(value);
	if (typeof value !== 'object' || seen.has(value) || depth > 8) return '';
	seen.add(value);
	if (Buffer.isBuffer(value)) return value.toString('utf8');
	const out: string[] = [];
	for (const key of Object.getOwnPropertyNames(value)) {
		if (key === 'node') continue;
		let child: unknown;
		try {
			child = (value as Record<string, unknown>)[key];
		} catch {
			continue;
		}
		if (typeof child === 'function') continue;
		out.push(`${key}: ${walk(child, seen, depth + 1)}`);
	}
	return out.join('\n');
}

/** Stringifies log metadata, errors included. */
function metadataText(value: unknown): string {
	try {
		return JSON.stringify(value, (_key, inner: unknown) =>
			inner instanceof Error ? errorText(inner) : inner,
		);
	} catch {
		return walk(value, new Set(), 0);
	}
}

class CaptureTransport extends Transport {
	constructor(public sink: (text: string) => void) {
		super({ level: 'debug' });
	}

	override log(info: unknown, next: () => void): void {
		this.sink(metadataText(info));
		next();
	}
}

/**
 * Captures console output and n8n's logger (at debug level, so everything the nodes and n8n-core
 * log) into the corpus until the returned function is called. n8n's logger is a singleton; its
 * console transport is replaced by the capture (restored on release).
 */
export function captureOutput(
	corpus: Corpus,
	where: () => string,
	echo?: (line: string) => void,
): { release: () => void; loggerLevel: string } {
	process.env.N8N_LOG_LEVEL ??= 'debug';
	const logger = Container.get(Logger);
	const internal = logger.getInternalLogger();
	internal.clear();
	const capture = new CaptureTransport((text) => {
		corpus.logLines++;
		corpus.add('log', where(), text);
	});
	internal.add(capture);

	const originals = new Map<string, (...args: unknown[]) => void>();
	for (const method of CONSOLE_METHODS) {
		const original = console[method] as (...args: unknown[]) => void;
		originals.set(method, original);
		console[method] = (...args: unknown[]) => {
			const line = format(...args);
			corpus.consoleLines++;
			corpus.add('console', where(), line);
			echo?.(`[console.${method}] ${line}`);
		};
	}
	return {
		loggerLevel: String((logger as unknown as { level?: string }).level ?? 'unknown'),
		release: () => {
			for (const [method, original] of originals)
				(console as unknown as Record<string, unknown>)[method] = original;
			// n8n's logger stays quiet afterwards: the CLI's last line must be its JSON line.
			capture.sink = () => {};
		},
	};
}

/**
 * The harness's in-memory credential store, also telling the corpus of every bearer token it
 * receives: a token issued and used during the run must never show up in an error or a log.
 */
export class RecordingCredentials extends InMemoryCredentialsHelper {
	constructor(
		data: ICredentialDataDecryptedObject,
		private readonly corpus: Corpus,
	) {
		super(data);
		corpus.secret('clientSecret', data.clientSecret);
	}

	override async runPreAuthentication(
		helpers: IHttpRequestHelper,
		credentials: ICredentialDataDecryptedObject,
	): Promise<ICredentialDataDecryptedObject | undefined> {
		try {
			return await super.runPreAuthentication(helpers, credentials);
		} finally {
			this.corpus.secret('bearerToken', this.data.accessToken);
		}
	}
}

/** The credential of the soak's API client against a sandbox at `url`. */
export function soakCredentials(
	url: string,
	client: { clientId: string; secret: string },
	corpus: Corpus,
	extra: ICredentialDataDecryptedObject = {},
) {
	return new RecordingCredentials({ ...sandboxCredentialData(url, client), ...extra }, corpus);
}
