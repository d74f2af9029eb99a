/**
 * `npm run sandbox -- --port 8790 --departments 12 --token-lifetime 3600`: a long-running sandbox.
 * Scripts start it through launch.js, which adds `--ready-line`.
 */
import { parseArgs } from 'node:util';
import { CONTROL_ENDPOINTS, sandboxCredentialData, startSandbox } from './index';
import { READY_PREFIX } from './launch';

async function main(): Promise<void> {
	const { values } = parseArgs({
		options: {
			port: { type: 'string', default: '8790' },
			departments: { type: 'string' },
			'token-lifetime': { type: 'string' },
			/** How long processed records are kept for replays (default athena's 24 hours); the benchmark queues over a million. */
			'retention-ms': { type: 'string' },
			/** After the banner, one line for launch.js: READY_PREFIX + JSON { url, practiceId, credential }. */
			'ready-line': { type: 'boolean', default: false },
			'replay-includes-queued': { type: 'boolean', default: false },
			'replay-ignores-offset': { type: 'boolean', default: false },
		},
	});
	const number = (text: string | undefined) => (text === undefined ? undefined : Number(text));
	const sandbox = await startSandbox({
		port: number(values.port),
		departments: number(values.departments),
		tokenLifetimeSec: number(values['token-lifetime']),
		retentionMs: number(values['retention-ms']),
		realTimeClock: true,
		replayIncludesQueued: values['replay-includes-queued'],
		replayIgnoresOffset: values['replay-ignores-offset'],
	});
	const lines = [
		`athenahealth sandbox listening on ${sandbox.url}`,
		`  practice id   ${sandbox.practiceId}`,
		...sandbox.clients.map((client) => `  client        ${client.clientId} / ${client.secret}`),
		`  token URL     ${sandbox.url}/oauth2/v1/token`,
		`  API base      ${sandbox.url}/v1/${sandbox.practiceId}/`,
		'  Subscription changes take effect at once here (athena: about 10 minutes, more in preview).',
		'  Control endpoints (JSON, no auth):',
		...CONTROL_ENDPOINTS.map((endpoint) => {
			const [method, path] = endpoint.split(' ');
			return `    ${method.padEnd(5)}${sandbox.url}/_sandbox/${path}`;
		}),
		'Ctrl-C to stop.',
	];
	console.log(lines.join('\n'));
	if (values['ready-line']) {
		const announcement = {
			url: sandbox.url,
			practiceId: sandbox.practiceId,
			credential: sandboxCredentialData(sandbox.url),
		};
		console.log(`${READY_PREFIX}${JSON.stringify(announcement)}`);
	}
	let closing = false;
	const stop = () => {
		if (closing) return;
		closing = true;
		sandbox.close().then(
			() => process.exit(0),
			(error: unknown) => {
				console.error(error);
				process.exit(1);
			},
		);
	};
	process.on('SIGINT', stop);
	process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
	console.error(error);
	process.exit(1);
});
