/**
 * How calls to athena are retried, by the drain and by the request layer alike. athena publishes no
 * per-second limit (docs/athena-contract.md#quotas-and-rate-limits).
 */
export interface RetryPolicy {
	/** Attempts in all, the first one included. */
	maxAttempts: number;
	/** First backoff; it doubles each attempt. */
	baseDelayMs: number;
	/** Longest single wait, Retry-After included. */
	maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 5, baseDelayMs: 400, maxDelayMs: 30_000 };

/**
 * Wait before attempt `attempt + 1` (attempt counts from 1). Retry-After wins when athena sends
 * one; otherwise exponential backoff with "equal jitter", so parallel drains do not retry in step.
 */
export function backoffDelay(
	attempt: number,
	policy: RetryPolicy,
	retryAfterMs: number | undefined,
	random: () => number = Math.random,
): number {
	if (retryAfterMs !== undefined) return Math.min(retryAfterMs, policy.maxDelayMs);
	const exponential = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
	return Math.round(exponential / 2 + (random() * exponential) / 2);
}
