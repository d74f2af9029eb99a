import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import type { Recording } from './recordings';

export interface SeenRequest {
	method: string;
	path: string;
	query: string;
	body: string;
}

/**
 * A tiny 127.0.0.1 server that answers with recorded exchanges verbatim (status, headers, body
 * text): `answer` for requests to its method and path, `token` for the token endpoint, 404 for
 * anything else. It keeps every request it saw, so a test can check what the node sent.
 */
export class ReplayServer {
	readonly seen: SeenRequest[] = [];
	answer?: Recording;
	token?: Recording;
	private server?: Server;
	url = '';

	async start(): Promise<void> {
		this.server = createServer((req, res) => {
			const chunks: Buffer[] = [];
			req.on('data', (chunk: Buffer) => chunks.push(chunk));
			req.on('end', () => {
				const url = new URL(req.url ?? '/', 'http://127.0.0.1');
				const request = {
					method: req.method ?? 'GET',
					path: url.pathname,
					query: url.search.slice(1),
					body: Buffer.concat(chunks).toString('utf8'),
				};
				this.seen.push(request);
				const recording = [this.answer, this.token].find(
					(candidate) =>
						candidate &&
						candidate.request.method === request.method &&
						candidate.request.path === request.path,
				);
				if (!recording) {
					res.writeHead(404, { 'content-type': 'application/json' });
					res.end('{"error":"Not recorded."}');
					return;
				}
				res.writeHead(recording.status, {
					date: new Date().toUTCString(),
					'content-type': 'application/json',
					...recording.headers,
				});
				res.end(recording.body);
			});
		});
		await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
		this.url = `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
	}

	/** Requests other than the token endpoint's. */
	apiRequests(): SeenRequest[] {
		return this.seen.filter((request) => request.path !== '/oauth2/v1/token');
	}

	reset(): void {
		this.seen.length = 0;
		this.answer = undefined;
	}

	async close(): Promise<void> {
		await new Promise<void>((resolve, reject) =>
			this.server?.close((error) => (error ? reject(error) : resolve())),
		);
	}
}
