import type { IPollFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { getSubscription, subscribe } from '../common/subscriptionApi';
import { optionalEventOf, type FeedDefinition } from '../feeds/catalog';
import { isNotSubscribed } from '../transport/errors';
import type { TriggerSettings } from './settings';
import type { TriggerState } from './state';

const RECHECK_MS = 3_600_000;
/** Subscription changes take about 10 minutes (15-20 in preview; docs/athena-contract.md#pacing): wait a little longer. */
const TAKES_EFFECT_MS = 30 * 60_000;

/** Only athena's exact not-subscribed 403 (docs/athena-contract.md#errors); any other 403 is a permission error. */
export { isNotSubscribed };

/** The optional events among the trigger's events: their flags go with every subscription call. */
function optionalEventsOf(settings: TriggerSettings): string[] {
	return settings.events.filter((event) => optionalEventOf(settings.feed, event) !== undefined);
}

/** The one event every record is for, when the subscription holds exactly one. */
export function knownEvent(state: TriggerState): string | undefined {
	const events = state.subscription?.events;
	return events?.length === 1 ? events[0] : undefined;
}

function notSubscribedError(context: IPollFunctions, feed: FeedDefinition): NodeOperationError {
	return new NodeOperationError(
		context.getNode(),
		`The Athenahealth feed "${feed.name}" (${feed.id}) is not subscribed for this API client`,
		{
			description:
				'Turn on "Subscribe Automatically" in the trigger\'s options, or subscribe with the Athenahealth node (Subscription > Subscribe). Subscriptions take about 10 minutes to take effect (15 to 20 in preview); records queue from then on.',
		},
	);
}

/**
 * Called when athena says the feed is not subscribed. Subscribes (the chosen events one by one, or
 * all; the chosen departments) when the option is on, else throws an error naming the feed and the
 * fix. While a subscription this trigger made may still be taking effect, it only waits.
 */
export async function handleNotSubscribed(
	context: IPollFunctions,
	settings: TriggerSettings,
	state: TriggerState,
	now: number,
): Promise<void> {
	const { feed, events, departmentIds } = settings;
	if (!settings.autoSubscribe) throw notSubscribedError(context, feed);
	const since = state.subscription?.subscribedAt;
	if (since !== undefined && now - since >= 0 && now - since < TAKES_EFFECT_MS) return;
	if (events.length === 0) {
		await subscribe.call(context, feed, { departmentIds });
	} else {
		for (const eventName of events)
			await subscribe.call(context, feed, { eventName, departmentIds });
	}
	// Record what athena reports, not what the catalog expects a subscription to hold.
	let reported: string[] | undefined;
	try {
		reported = (await getSubscription.call(context, feed, undefined, optionalEventsOf(settings)))
			.events;
	} catch {
		reported = undefined;
	}
	const recorded = reported?.length ? reported : events.length ? [...events] : [];
	state.subscription = { events: recorded, checkedAt: now, subscribedAt: now };
	context.logger.info(
		`athenahealth Trigger subscribed to the feed "${feed.id}"; records queue from now on`,
	);
}

/**
 * Refreshes what the trigger knows of the subscription at most hourly. Returns false when the feed
 * is not subscribed (then handled: subscribed, or an error thrown). A failed check changes nothing:
 * the read itself will tell.
 */
export async function checkSubscription(
	context: IPollFunctions,
	settings: TriggerSettings,
	state: TriggerState,
	now: number,
): Promise<boolean> {
	const known = state.subscription;
	if (known && now - known.checkedAt < RECHECK_MS && now >= known.checkedAt) return true;
	let current;
	try {
		current = await getSubscription.call(
			context,
			settings.feed,
			undefined,
			optionalEventsOf(settings),
		);
	} catch {
		return true;
	}
	if (current.status === 'INACTIVE' || current.events.length === 0) {
		await handleNotSubscribed(context, settings, state, now);
		return false;
	}
	state.subscription = {
		events: current.events,
		checkedAt: now,
		subscribedAt: known?.subscribedAt,
	};
	const extra = settings.events.length
		? current.events.filter((event) => !settings.events.includes(event))
		: [];
	if (extra.length) {
		context.logger.warn(
			`athenahealth Trigger: the "${settings.feed.id}" subscription also holds ${extra.join(', ')}; athena's records do not name their event, so those records are emitted too`,
		);
	}
	return true;
}
