import { startSandbox, type Sandbox, type SandboxOptions } from '../sandbox';
import { sandboxCredentials, type InMemoryCredentialsHelper } from './credentials';

export interface SandboxContext {
	sandbox: Sandbox;
	/** A fresh credential (no token yet) for every test. */
	credentials: InMemoryCredentialsHelper;
}

/** One sandbox per test file, reset before every test. */
export function useSandbox(options: SandboxOptions = {}): SandboxContext {
	const ctx = {} as SandboxContext;
	beforeAll(async () => {
		ctx.sandbox = await startSandbox(options);
	});
	afterAll(async () => {
		await ctx.sandbox.close();
	});
	beforeEach(() => {
		ctx.sandbox.reset();
		ctx.credentials = sandboxCredentials(ctx.sandbox.url);
	});
	return ctx;
}
