/** `npm run sandbox -- --port 8790 --departments 12 --token-lifetime 3600`: a long-running sandbox. */
import { parseArgs } from 'node:util';
import { CONTROL_ENDPOINTS, startSandbox } from './index';

async function main(): Promise<void> {
	const { values } = parseArgs({
		options: {
			port: { type: 'string', default: '8790' },
			departments: { type: 'string' },
			'token-lifetime': { type: 'string' },
			'replay-includes-queued': { type: 'boolean', default: false },
			'replay-ignores-offset': { type: 'boolean', default: false },
		},
	});
	const number = (text: string | undefined) => (text === undefined ? undefined : Number(text));
	const sandbox = await startSandbox({
		port: number(values.port),
		departments: number(values.departments),
		tokenLifetimeSec: number(values['token-lifetime']),
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
