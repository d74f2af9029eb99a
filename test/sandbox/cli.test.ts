import { basic } from '../harness/athenaClient';
import { launchSandbox, READY_PREFIX } from './launch';
import { sandboxCredentialData } from './seed';

test('npm run sandbox: prints what a user needs and stops cleanly on SIGTERM', async () => {
	const sandbox = await launchSandbox({ departments: 3 });
	const banner = sandbox.output();
	const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(banner)![1];
	expect(banner).toContain('practice id   195900');
	expect(banner).toContain('sandbox-client / sandbox-secret');
	expect(banner).toContain(`${url}/_sandbox/inject`);
	expect(banner).toContain('about 10 minutes');
	expect(banner).toContain('Ctrl-C');
	// The launcher's ready line announces where it listens and the demo credential, and is not echoed.
	expect(sandbox.url).toBe(url);
	expect(sandbox.credential).toEqual(sandboxCredentialData(url));
	expect(banner).not.toContain(READY_PREFIX);

	const token = await fetch(`${url}/oauth2/v1/token`, {
		method: 'POST',
		headers: {
			authorization: basic('sandbox-client', 'sandbox-secret'),
			'content-type': 'application/x-www-form-urlencoded',
		},
		body: 'grant_type=client_credentials',
	});
	const { access_token: accessToken } = (await token.json()) as { access_token: string };
	const departments = await fetch(`${url}/v1/195900/departments`, {
		headers: { authorization: `Bearer ${accessToken}` },
	});
	expect(((await departments.json()) as { totalcount: number }).totalcount).toBe(3);

	expect(await sandbox.stop()).toEqual({ code: 0, signal: null });
}, 30_000);
