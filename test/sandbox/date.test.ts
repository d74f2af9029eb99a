import { startSandbox } from '.';

describe("athena's clock in the Date header", () => {
	test('follows the sandbox clock, so stamps and Date agree when tests move time', async () => {
		const sandbox = await startSandbox();
		try {
			const before = Date.parse(
				(await fetch(`${sandbox.url}/_sandbox/clock`)).headers.get('date')!,
			);
			expect(before).toBe(Math.floor(sandbox.clock.now() / 1000) * 1000);
			sandbox.clock.advance(3 * 3600 * 1000);
			const after = Date.parse(
				(await fetch(`${sandbox.url}/v1/195900/departments`)).headers.get('date')!,
			);
			expect(after - before).toBe(3 * 3600 * 1000);
		} finally {
			await sandbox.close();
		}
	});
});
