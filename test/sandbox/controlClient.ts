/**
 * Calls the /_sandbox/* control endpoints of a sandbox running in another process (the benchmark's
 * and the end-to-end suite's child processes) over HTTP.
 */
export function controlClient(url: string) {
	return async function control<T>(method: string, path: string, body?: unknown): Promise<T> {
		const response = await fetch(`${url}/_sandbox/${path}`, {
			method,
			headers: body === undefined ? undefined : { 'content-type': 'application/json' },
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		const text = await response.text();
		if (!response.ok) throw new Error(`sandbox ${method} /_sandbox/${path}: ${response.status} ${text.slice(0, 300)}`);
		return JSON.parse(text) as T;
	};
}
