/** The sandbox's state and services, independent of HTTP. */
import { z } from 'zod';
import { getFeed } from '../../nodes/Athenahealth/feeds/catalog';
import { TokenStore } from './auth';
import { Clock } from './clock';
import {
	FeedStore,
	type ReplayBehaviour,
	type SubscriptionStatus,
	type SubscriptionView,
} from './feeds';
import { Faults, faultConfigSchema, type FaultConfig } from './faults';
import { inject, type InjectSpec } from './inject';
import {
	caseView,
	patientCaseBehaviourSchema,
	PatientCaseStore,
	type PatientCase,
} from './patientCases';
import { RecordFactory } from './records';
import { referenceHandlers } from './reference';
import { createSeed, DEFAULT_CLIENTS, type SeedData } from './seed';
import { Stats } from './stats';
import { DailyQuota } from './quota';

/** A fixed start keeps tests deterministic: 15 Jan 2025, 10:00 Eastern. */
export const DEFAULT_CLOCK_START = Date.UTC(2025, 0, 15, 15, 0, 0);

const optionsSchema = z
	.object({
		port: z.number().int().min(0).max(65_535).optional(),
		departments: z.number().int().min(1).max(10_000).default(12),
		tokenLifetimeSec: z.number().int().min(1).default(3600),
		/** 5 new tokens a minute in preview, 50 in production (docs/athena-contract.md#quotas-and-rate-limits). */
		tokenRateLimitPerMinute: z.number().int().min(1).default(5),
		/** Requests a day per client (X-RateLimit-Limit; 50000 in preview), reset at midnight GMT. */
		dailyQuota: z.number().int().min(1).default(50_000),
		/** The guessed answer once the daily quota is used up (unconfirmed): 429, or 403. */
		quotaExhaustedStatus: z.union([z.literal(429), z.literal(403)]).default(429),
		/** Seed: unread messages are deleted after 24 hours (possibly as low as 1 hour). */
		retentionMs: z
			.number()
			.int()
			.min(1)
			.default(24 * 3600 * 1000),
		faults: faultConfigSchema.optional(),
		clients: z
			.array(
				z
					.object({
						clientId: z.string().min(1),
						secret: z.string().min(1),
						apiUser: z
							.string()
							.regex(/^API-\d+$/)
							.optional(),
					})
					.strict(),
			)
			.min(1)
			.default([...DEFAULT_CLIENTS]),
		/** Patient-case behaviours athena's sources leave open (test/sandbox/patientCases.ts). */
		patientCases: patientCaseBehaviourSchema.default({}),
		/** Epoch ms the clock starts at (default DEFAULT_CLOCK_START, or now with realTimeClock). */
		clockStart: z.number().optional(),
		/** Let the clock tick with wall time (the CLI); tests keep it manual. */
		realTimeClock: z.boolean().default(false),
		/**
		 * Replay behaviours athena's documentation leaves open (docs/athena-contract.md#unconfirmed): a
		 * showprocessed window also returns records still queued; a replay ignores `offset`.
		 */
		replayIncludesQueued: z.boolean().default(false),
		replayIgnoresOffset: z.boolean().default(false),
	})
	.strict();

export type SandboxOptions = z.input<typeof optionsSchema>;

export interface QueuedMessage {
	seq: number;
	event: string;
	departmentId: string;
	enqueuedAt: number;
	record: Readonly<Record<string, unknown>>;
}

export interface QueueSummary {
	clientId: string;
	feed: string;
	status: SubscriptionStatus;
	queued: number;
	processed: number;
	expired: number;
}

/** Read-only views for assertions; they always show the current state, across resets. */
export interface SandboxState {
	readonly cases: ReadonlyMap<number, Readonly<PatientCase>>;
	subscription(clientId: string, feed: string): SubscriptionView;
	/** The client's queued messages for the feed, oldest first (empty when not subscribed). */
	queue(clientId: string, feed: string): QueuedMessage[];
	queues(): QueueSummary[];
}

export class SandboxCore {
	readonly options: z.output<typeof optionsSchema>;
	readonly clock: Clock;
	readonly stats = new Stats();
	readonly faults = new Faults();
	readonly seed: SeedData;
	readonly tokens: TokenStore;
	readonly quota: DailyQuota;
	readonly feeds: FeedStore;
	readonly cases: PatientCaseStore;
	readonly reference: ReturnType<typeof referenceHandlers>;
	readonly state: SandboxState;
	private readonly records = new RecordFactory();

	constructor(input: SandboxOptions = {}) {
		const options = optionsSchema.parse(input);
		this.options = options;
		this.clock = new Clock(
			options.clockStart ?? (options.realTimeClock ? Date.now() : DEFAULT_CLOCK_START),
			options.realTimeClock,
		);
		this.seed = createSeed(options.departments);
		this.tokens = new TokenStore(options.clients, this.clock, this.stats, {
			lifetimeSec: options.tokenLifetimeSec,
			rateLimitPerMinute: options.tokenRateLimitPerMinute,
		});
		this.quota = new DailyQuota(this.clock, {
			daily: options.dailyQuota,
			exhaustedStatus: options.quotaExhaustedStatus,
		});
		this.feeds = new FeedStore(this.clock, this.stats, this.seed, options.retentionMs);
		this.feeds.replayBehaviour = {
			includesQueued: options.replayIncludesQueued,
			ignoresOffset: options.replayIgnoresOffset,
		};
		this.cases = new PatientCaseStore(
			this.clock,
			this.seed,
			this.feeds,
			options.clients,
			options.patientCases,
		);
		this.reference = referenceHandlers(this.seed);
		if (options.faults) this.faults.configure(options.faults);
		this.state = this.stateView();
	}

	inject(spec: InjectSpec): Record<string, unknown>[] {
		return inject(spec, {
			feeds: this.feeds,
			records: this.records,
			seed: this.seed,
			clock: this.clock,
		});
	}

	setFaults(config: FaultConfig): void {
		this.faults.configure(config);
	}

	/** Switches how a replay window answers (see the options); unset keys keep their value. */
	setReplayBehaviour(behaviour: Partial<ReplayBehaviour>): ReplayBehaviour {
		Object.assign(this.feeds.replayBehaviour, behaviour);
		return { ...this.feeds.replayBehaviour };
	}

	/** The sandbox as started: seeded cases, no subscriptions, queues or tokens, empty stats, the start options' faults and clock. */
	reset(): void {
		this.clock.reset();
		this.stats.reset();
		this.faults.clear();
		this.feeds.replayBehaviour = {
			includesQueued: this.options.replayIncludesQueued,
			ignoresOffset: this.options.replayIgnoresOffset,
		};
		if (this.options.faults) this.faults.configure(this.options.faults);
		this.tokens.reset();
		this.quota.reset();
		this.feeds.reset();
		this.cases.reset();
		this.records.reset();
	}

	/** Every case as athena shows it (but with a numeric id), plus who created it and how. */
	caseList(): Record<string, unknown>[] {
		return [...this.cases.cases.values()].map((shown) => ({
			...caseView(shown),
			patientcaseid: shown.patientcaseid,
			createdvia: shown.createdvia,
			creatorclientid: shown.creatorClientId,
		}));
	}

	private stateView(): SandboxState {
		const { feeds } = this;
		return {
			cases: this.cases.cases,
			subscription: (clientId, feed) => feeds.view(clientId, getFeed(feed)),
			queue: (clientId, feed) => {
				const channel = feeds
					.list()
					.find((candidate) => candidate.clientId === clientId && candidate.feed.id === feed);
				return (channel?.queue.queued() ?? []).map((message) => ({
					seq: message.seq,
					event: message.event,
					departmentId: message.record.departmentId,
					enqueuedAt: message.enqueuedAt,
					record: message.record.value,
				}));
			},
			queues: () =>
				feeds.list().map((channel) => ({
					clientId: channel.clientId,
					feed: channel.feed.id,
					status: feeds.view(channel.clientId, channel.feed).status,
					queued: channel.queue.length,
					processed: channel.queue.processedCount,
					expired: channel.queue.expired,
				})),
		};
	}
}
