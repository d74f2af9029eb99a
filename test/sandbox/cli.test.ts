import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { basic } from '../harness/athenaClient';

test('npm run sandbox: prints what a user needs and stops cleanly on SIGTERM', async () => {
	const root = join(__dirname, '..', '..');
	const child = spawn(process.execPath, [join(root, 'node_modules/ts-node/dist/bin.js'), '--transpile-only', 'test/sandbox/cli.ts', '--port', '0', '--departments', '3'], {
		cwd: root,
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
	let output = '';
	const banner = await new Promise<string>((resolve, reject) => {
		child.stdout.on('data', (chunk: Buffer) => {
			output += chunk.toString();
			if (output.includes('Ctrl-C')) resolve(output);
		});
		child.once('exit', () => reject(new Error(`cli exited early: ${output}`)));
	});
	const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(banner)![1];
	expect(banner).toContain('practice id   195900');
	expect(banner).toContain('sandbox-client / sandbox-secret');
	expect(banner).toContain(`${url}/_sandbox/inject`);
	expect(banner).toContain('about 10 minutes');

	const token = await fetch(`${url}/oauth2/v1/token`, {
		method: 'POST',
		headers: { authorization: basic('sandbox-client', 'sandbox-secret'), 'content-type': 'application/x-www-form-urlencoded' },
		body: 'grant_type=client_credentials',
	});
	const { access_token: accessToken } = (await token.json()) as { access_token: string };
	const departments = await fetch(`${url}/v1/195900/departments`, { headers: { authorization: `Bearer ${accessToken}` } });
	expect(((await departments.json()) as { totalcount: number }).totalcount).toBe(3);

	child.kill('SIGTERM');
	expect(await exited).toBe(0);
}, 30_000);
