/**
 * Local athenahealth API simulator for tests, benchmarks and `npm run dev`: athena's wire format and
 * rules (tokens, patient cases, changed-data feeds), a controllable clock, seeded faults and stats.
 */
import type { AddressInfo } from 'node:net';
import type { SandboxClock } from './clock';
import { SandboxCore, type SandboxOptions, type SandboxState } from './core';
import type { AnswerStyle } from './feeds';
import type { FaultConfig } from './faults';
import type { ReplayBehaviour } from './feeds';
import { createSandboxServer, Timers } from './http';
import type { InjectSpec } from './inject';
import { PRACTICE_ID, type ApiClient } from './seed';
import type { SandboxStats } from './stats';

export type { SandboxOptions, SandboxState, QueuedMessage, QueueSummary } from './core';
export { DEFAULT_CLOCK_START } from './core';
export type { FaultConfig, FaultKind } from './faults';
export { twentyPercentFaults } from './faults';
export type { AnswerStyle } from './feeds';
export type { ReplayBehaviour } from './feeds';
export type { InjectSpec } from './inject';
export type { PatientCase } from './patientCases';
export type { SandboxStats, RequestLogEntry, ViolationKind } from './stats';
export type { SandboxClock } from './clock';
export {
	DEFAULT_CLIENTS,
	DEMO_CLIENT,
	OTHER_CLIENT,
	FIRST_NEW_CASE_ID,
	PRACTICE_ID,
	SEED_CASES,
	SEED_CASES_PATIENT_ID,
	sandboxCredentialData,
	type ApiClient,
} from './seed';
export { CONTROL_ENDPOINTS } from './control';
export { formatEastern, parseEastern } from './eastern';

export interface Sandbox {
	/** e.g. `http://127.0.0.1:12345`; athena paths go below it (`/v1/195900/...`, `/oauth2/v1/token`). */
	readonly url: string;
	readonly port: number;
	readonly practiceId: string;
	readonly clients: readonly ApiClient[];
	readonly clock: SandboxClock;
	readonly state: SandboxState;
	close(): Promise<void>;
	/** Events happening in the practice: enqueued for every subscribed client; returns the records. */
	inject(spec: InjectSpec): Record<string, unknown>[];
	setFaults(config: FaultConfig): void;
	/** How a replay window answers where athena's behaviour is unknown (SandboxOptions). */
	setReplayBehaviour(behaviour: Partial<ReplayBehaviour>): ReplayBehaviour;
	stats(): SandboxStats;
	/** Back to the state at start (see SandboxCore.reset). */
	reset(): void;
	/** Every issued token stops working at once. */
	expireTokens(): void;
	setTokenLifetime(seconds: number): void;
	setTokenRateLimit(perMinute: number): void;
	/** Switch: subscription answers as athena gave them before 2021 or in 2016 (see AnswerStyle). */
	setAnswerStyle(style: Partial<AnswerStyle>): void;
	/** Switch: the feed's `/events` also offers these names (and subscriptions take them). */
	offerEvents(feed: string, names: string[]): void;
	/** What every client (or one) has left of today's request quota. */
	setQuotaRemaining(remaining: number, clientId?: string): void;
}

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
	const core = new SandboxCore(options);
	const timers = new Timers();
	const server = createSandboxServer(core, timers);
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		// Loopback only: the sandbox and its control endpoints are never reachable from the network.
		server.listen(core.options.port ?? 0, '127.0.0.1', () => {
			server.off('error', reject);
			resolve();
		});
	});
	const { port } = server.address() as AddressInfo;
	return {
		url: `http://127.0.0.1:${port}`,
		port,
		practiceId: PRACTICE_ID,
		clients: core.options.clients,
		clock: core.clock,
		state: core.state,
		close: () =>
			new Promise<void>((resolve, reject) => {
				timers.clear();
				server.close((error) => (error ? reject(error) : resolve()));
				server.closeAllConnections();
			}),
		inject: (spec) => core.inject(spec),
		setFaults: (config) => core.setFaults(config),
		setReplayBehaviour: (behaviour) => core.setReplayBehaviour(behaviour),
		stats: () => core.stats.snapshot(),
		reset: () => core.reset(),
		expireTokens: () => core.tokens.expireAll(),
		setTokenLifetime: (seconds) => {
			core.tokens.settings.lifetimeSec = positiveInteger(seconds, 'token lifetime');
		},
		setAnswerStyle: (style) => {
			core.feeds.style = { ...core.feeds.style, ...style };
		},
		offerEvents: (feed, names) => {
			core.feeds.extraEvents.set(feed, [...names]);
		},
		setQuotaRemaining: (remaining, clientId) => {
			for (const client of core.options.clients)
				if (!clientId || client.clientId === clientId)
					core.quota.setRemaining(client.clientId, remaining);
		},
		setTokenRateLimit: (perMinute) => {
			core.tokens.settings.rateLimitPerMinute = positiveInteger(perMinute, 'token rate limit');
		},
	};
}

function positiveInteger(value: number, what: string): number {
	if (!Number.isInteger(value) || value < 1)
		throw new RangeError(`${what} must be a positive integer, got ${value}`);
	return value;
}
