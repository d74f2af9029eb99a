import { createHash } from 'crypto';

/**
 * When a token expires in the middle of a parallel drain, every request in flight meets a 401 and
 * n8n runs the credential's preAuthentication once per request. athena allows 5 new tokens a
 * minute in preview, so those refreshes must share one token request. This process-local table
 * holds, per client, the request in flight and the token it brought for a short while; entries
 * are keyed by a hash, so no secret is kept as a key.
 */

const REUSE_MS = 10_000;

interface Flight {
	promise: Promise<string>;
	settledAt?: number;
	token?: string;
}

const flights = new Map<string, Flight>();

function keyOf(parts: unknown[]): string {
	return createHash('sha256').update(parts.map(String).join('\u0000')).digest('hex');
}

/**
 * Runs `fetchToken` unless a fetch for the same client is in flight (then shares its result) or,
 * for a refresh of `staleToken`, brought another token less than REUSE_MS ago (then returns it).
 */
export async function singleFlight(
	parts: unknown[],
	staleToken: string,
	fetchToken: () => Promise<string>,
	now: () => number = Date.now,
): Promise<string> {
	const key = keyOf(parts);
	const current = flights.get(key);
	if (current && current.settledAt === undefined) return await current.promise;
	// Only a refresh (after a 401) reuses: a credential with no token yet gets its own.
	if (
		staleToken &&
		current?.token &&
		current.token !== staleToken &&
		now() - current.settledAt! < REUSE_MS
	) {
		return current.token;
	}

	const flight: Flight = { promise: fetchToken() };
	flights.set(key, flight);
	// Registered before any caller awaits, so the table is settled by the time they resume.
	flight.promise.then(
		(token) => {
			flight.token = token;
			flight.settledAt = now();
			for (const [other, entry] of flights) {
				if (entry.settledAt !== undefined && now() - entry.settledAt >= REUSE_MS)
					flights.delete(other);
			}
		},
		() => flights.delete(key), // a failed fetch is not shared with later callers
	);
	return await flight.promise;
}
