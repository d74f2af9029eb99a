import { OTHER_CLIENT, startSandbox, type Sandbox, type SandboxOptions } from '../sandbox';
import { AthenaClient } from './athenaClient';
import { sandboxCredentials, type InMemoryCredentialsHelper } from './credentials';

export interface SandboxContext {
	sandbox: Sandbox;
	/** A fresh credential (no token yet) for every test: the nodes' way in, through n8n-core. */
	credentials: InMemoryCredentialsHelper;
	/** The demo API key over plain HTTP, for tests that speak to the sandbox directly. */
	api: AthenaClient;
	/** A second API key. */
	other: AthenaClient;
}

/**
 * The one sandbox fixture: a sandbox per test file, reset before every test. Read the members
 * inside tests (hooks set them).
 */
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
		ctx.api = new AthenaClient(ctx.sandbox);
		ctx.other = new AthenaClient(ctx.sandbox, OTHER_CLIENT.clientId, OTHER_CLIENT.secret);
	});
	return ctx;
}

/** Suites that log in over and over (the sandbox's own tests) lift athena's 5 tokens a minute. */
export const MANY_TOKENS: SandboxOptions = { tokenRateLimitPerMinute: 1000 };
