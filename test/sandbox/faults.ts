import { z } from 'zod';
import { athenaError, REFERENCE_ROUTES, routeFamily, type Reply, type RouteName } from './protocol';

const rate = z.number().min(0).max(1);
const delayMs = z.number().int().min(0).max(120_000);

/** Outcomes in the order one roll is bucketed into; each is decided before any processing except the last. */
const OUTCOMES = [
	['rate429', 'http429'],
	['rate429RetryAfter', 'http429RetryAfter'],
	['rate500', 'http500'],
	['rate503', 'http503'],
	['rateDrop', 'drop'],
	['rateDropAfterProcessing', 'dropAfterProcessing'],
] as const;

const ruleSchema = z
	.object({
		/** A route, `reference` for every reference route, or `*` for every request. */
		route: z.enum([
			'token',
			'changed',
			'subscription',
			'patientcase',
			'reference',
			...REFERENCE_ROUTES,
			'*',
		]),
		rate429: rate.optional(),
		rate429RetryAfter: rate.optional(),
		retryAfterSeconds: z.number().int().min(0).max(3600).optional(),
		rate500: rate.optional(),
		rate503: rate.optional(),
		rateDrop: rate.optional(),
		rateDropAfterProcessing: rate.optional(),
		latencyMs: delayMs.optional(),
		spikeRate: rate.optional(),
		spikeMs: delayMs.optional(),
	})
	.strict()
	.refine((rule) => OUTCOMES.reduce((sum, [key]) => sum + (rule[key] ?? 0), 0) <= 1, {
		message: 'the outcome rates of one rule add up to more than 1',
	});

export const faultConfigSchema = z
	.object({ seed: z.number().int(), rules: z.array(ruleSchema) })
	.strict();

export type FaultConfig = z.input<typeof faultConfigSchema>;
type FaultRule = z.infer<typeof ruleSchema>;
export type FaultOutcome = (typeof OUTCOMES)[number][1];
export type FaultKind = FaultOutcome | 'latency' | 'spike';

export interface FaultDecision {
	outcome?: FaultOutcome;
	spike: boolean;
	delayMs: number;
	retryAfterSeconds: number;
}

/** Small, fast and well mixed: the same seed and request order give the same faults. */
function mulberry32(seed: number): () => number {
	let state = seed >>> 0;
	return () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

export class Faults {
	private rules: FaultRule[] = [];
	private random = mulberry32(0);

	configure(config: FaultConfig): void {
		const parsed = faultConfigSchema.parse(config);
		this.rules = parsed.rules;
		this.random = mulberry32(parsed.seed);
	}

	clear(): void {
		this.rules = [];
	}

	/**
	 * The most specific rule (the route's, then its family's, then `*`) decides with exactly two draws
	 * per request, so one rule's settings never shift another request's faults.
	 */
	decide(route: RouteName): FaultDecision | undefined {
		const family = routeFamily(route);
		const rule =
			this.rules.find((candidate) => candidate.route === route) ??
			this.rules.find((candidate) => candidate.route === family) ??
			this.rules.find((candidate) => candidate.route === '*');
		if (!rule) return undefined;
		const roll = this.random();
		const spikeRoll = this.random();
		let edge = 0;
		let outcome: FaultOutcome | undefined;
		for (const [key, kind] of OUTCOMES) {
			edge += rule[key] ?? 0;
			if (roll < edge) {
				outcome = kind;
				break;
			}
		}
		const spike = spikeRoll < (rule.spikeRate ?? 0);
		return {
			outcome,
			spike,
			delayMs: (rule.latencyMs ?? 0) + (spike ? (rule.spikeMs ?? 0) : 0),
			retryAfterSeconds: rule.retryAfterSeconds ?? 1,
		};
	}
}

/** The answer of a fault that stops a request before processing; undefined for a dropped socket. */
export function faultReply(decision: FaultDecision): Reply | undefined {
	switch (decision.outcome) {
		case 'http429':
			return athenaError(429, 'Too many requests.', 'The rate limit was exceeded; retry later.');
		case 'http429RetryAfter':
			return {
				...athenaError(429, 'Too many requests.', 'The rate limit was exceeded; retry later.'),
				headers: { 'retry-after': String(decision.retryAfterSeconds) },
			};
		case 'http500':
			return athenaError(500, 'An unexpected error occurred.', 'Internal server error.');
		case 'http503':
			return athenaError(503, 'The service is temporarily unavailable.', 'Retry later.');
		default:
			return undefined;
	}
}

/**
 * The fault mix the run-mode tests and the soak through n8n use: about one request in five fails
 * (429 with and without Retry-After, 500, 503, dropped before and after processing), every answer
 * slowed by `latencyMs`.
 */
export function twentyPercentFaults(latencyMs: number): FaultConfig {
	return {
		seed: 12,
		rules: [
			{ route: 'token', rate503: 0.05 },
			{
				route: '*',
				rate429: 0.04,
				rate429RetryAfter: 0.03,
				retryAfterSeconds: 0,
				rate500: 0.03,
				rate503: 0.03,
				rateDrop: 0.03,
				rateDropAfterProcessing: 0.04,
				latencyMs,
			},
		],
	};
}
