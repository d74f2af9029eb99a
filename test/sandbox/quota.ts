/**
 * athena's daily request quota per app (docs/athena-contract.md#quotas-and-rate-limits): every API
 * answer carries `X-RateLimit-Limit` (requests a day, 50000 in preview) and `X-RateLimit-Remaining`,
 * which resets at midnight GMT. What athena answers once it runs out is unconfirmed: the sandbox's
 * guess is a 429 with an athena-style error body, and `exhaustedStatus` switches it to a 403.
 */
import { rateHeaders } from './auth';
import type { SandboxClock } from './clock';
import { athenaError, type Reply } from './protocol';

const DAY_MS = 24 * 3_600_000;

export interface QuotaSettings {
	/** Requests a day per client. */
	daily: number;
	/** The guessed answer's status once the quota is used up. */
	exhaustedStatus: 429 | 403;
}

export class DailyQuota {
	settings: QuotaSettings;
	private readonly used = new Map<string, { day: number; count: number }>();

	constructor(
		private readonly clock: SandboxClock,
		private readonly defaults: QuotaSettings,
	) {
		this.settings = { ...defaults };
	}

	/** Counts one API call of the client: its headers, or the refusal when none remain. */
	take(clientId: string): { headers: Record<string, string>; refusal?: Reply } {
		const day = Math.floor(this.clock.now() / DAY_MS);
		const entry = this.used.get(clientId);
		const count = entry?.day === day ? entry.count : 0;
		const { daily, exhaustedStatus } = this.settings;
		if (count >= daily) {
			const headers = rateHeaders(daily, 0);
			return {
				headers,
				refusal: {
					...athenaError(exhaustedStatus, 'The daily API quota has been exceeded.'),
					headers,
				},
			};
		}
		this.used.set(clientId, { day, count: count + 1 });
		return { headers: rateHeaders(daily, daily - count - 1) };
	}

	/** Sets what the client has left today (tests: a quota about to run out). */
	setRemaining(clientId: string, remaining: number): void {
		const day = Math.floor(this.clock.now() / DAY_MS);
		this.used.set(clientId, { day, count: Math.max(0, this.settings.daily - remaining) });
	}

	reset(): void {
		this.used.clear();
		this.settings = { ...this.defaults };
	}
}
