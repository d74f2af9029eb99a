/** Changed-data subscriptions and reads (seeds/003, athena-api.md), for every feed of the catalog. */
import { allEvents, changedPath, type FeedDefinition } from '../../nodes/Athenahealth/feeds/catalog';
import type { SandboxClock } from './clock';
import { parseEastern } from './eastern';
import {
	countParam,
	flagParam,
	jsonReply,
	listParam,
	param,
	refuse,
	refuseEnum,
	refuseInvalid,
	refuseMissing,
	type Reply,
	type RequestContext,
} from './protocol';
import { MessageQueue, type FeedRecord, type Message, type MessageFilter } from './queue';
import { PRACTICE_ID, type SeedData } from './seed';
import type { Stats } from './stats';

/** Default and maximum page (athena-api.md, from the seed's advice). */
const MAX_LIMIT = 1000;
/** Seed: a subscription with no /changed read for 7 days is removed. */
const SUBSCRIPTION_IDLE_MS = 7 * 24 * 3600 * 1000;
const NO_SUBSCRIPTION = 'Changed messages require setup (subscription) that has not been done.';

export type SubscriptionStatus = 'ACTIVE' | 'PARTIAL' | 'INACTIVE';

interface InFlightRead {
	/** undefined: a whole-practice read, which covers every department. */
	departments?: ReadonlySet<string>;
}

/** One client's subscription to one feed, with its queue (subscriptions are per API key, seed). */
export interface Channel {
	readonly clientId: string;
	readonly feed: FeedDefinition;
	events: Set<string>;
	/** undefined: the whole practice. */
	departments?: ReadonlySet<string>;
	/** The last subscribe-to-all asked for the optional event, which then belongs to a complete subscription. */
	withOptional: boolean;
	lastActivity: number;
	readonly queue: MessageQueue;
	readonly inFlight: Set<InFlightRead>;
}

export interface SubscriptionView {
	status: SubscriptionStatus;
	events: string[];
	departmentIds?: string[];
}

/** How a replay window answers where athena's behaviour is unknown (athena-api.md "Still unknown"). */
export interface ReplayBehaviour {
	/** The window also returns records still queued (after the processed ones), without removing them. */
	includesQueued: boolean;
	/** `offset` is ignored: every page of a replay starts at the window's first record. */
	ignoresOffset: boolean;
}

export class FeedStore {
	replayBehaviour: ReplayBehaviour = { includesQueued: false, ignoresOffset: false };
	private readonly channels = new Map<string, Map<string, Channel>>();

	constructor(
		private readonly clock: SandboxClock,
		private readonly stats: Stats,
		private readonly seed: SeedData,
		private readonly retentionMs: number,
	) {}

	/** The client's live subscription to the feed; idle ones are removed on the way (seed). */
	channel(clientId: string, feed: FeedDefinition): Channel | undefined {
		const byFeed = this.channels.get(clientId);
		const channel = byFeed?.get(feed.id);
		if (channel && this.clock.now() - channel.lastActivity >= SUBSCRIPTION_IDLE_MS) {
			byFeed!.delete(feed.id);
			return undefined;
		}
		return channel;
	}

	/** Live channels, their queues pruned to the retention (assertions, control endpoints). */
	list(): Channel[] {
		const now = this.clock.now();
		const live: Channel[] = [];
		for (const [clientId, byFeed] of this.channels) {
			for (const { feed } of byFeed.values()) {
				const channel = this.channel(clientId, feed);
				if (!channel) continue;
				channel.queue.prune(now - this.retentionMs);
				live.push(channel);
			}
		}
		return live;
	}

	/** Enqueues records of an event that happened in the practice for every client whose subscription covers it. */
	publish(feed: FeedDefinition, event: string, records: readonly FeedRecord[], onlyClientId?: string): void {
		const now = this.clock.now();
		for (const clientId of this.channels.keys()) {
			if (onlyClientId !== undefined && clientId !== onlyClientId) continue;
			const channel = this.channel(clientId, feed);
			if (!channel?.events.has(event)) continue;
			const { departments, queue } = channel;
			for (const record of records) if (!departments || departments.has(record.departmentId)) queue.enqueue(record, event, now);
		}
	}

	view(clientId: string, feed: FeedDefinition): SubscriptionView {
		const channel = this.channel(clientId, feed);
		const events = channel ? allEvents(feed).filter((event) => channel.events.has(event)) : [];
		return { status: subscriptionStatus(channel), events, departmentIds: channel?.departments && [...channel.departments] };
	}

	reset(): void {
		this.channels.clear();
	}

	/** `GET {subscription}/events`: every event, the optional one included. */
	events(feed: FeedDefinition): Reply {
		return jsonReply(200, { subscriptions: allEvents(feed).map((eventname) => ({ eventname })) });
	}

	/** `GET {subscription}` */
	status(ctx: RequestContext, feed: FeedDefinition): Reply {
		const view = this.view(ctx.clientId!, feed);
		return jsonReply(200, {
			status: view.status,
			subscriptions: view.events.map((eventname) => ({ eventname })),
			...(view.departmentIds && { departmentids: view.departmentIds }),
		});
	}

	/**
	 * `POST {subscription}`: no eventname subscribes to the complete set, one eventname adds that event;
	 * `departmentids` (the whole list on every call) scopes it. athena applies changes after about
	 * 10 minutes (seed); the sandbox applies them at once so tests need not wait.
	 */
	subscribe(ctx: RequestContext, feed: FeedDefinition): Reply {
		const { params } = ctx;
		const eventName = eventParam(params, feed);
		const departmentIds = listParam(params, 'departmentids');
		for (const id of departmentIds ?? []) {
			if (!this.seed.departmentIds.has(id)) refuseInvalid(`The value '${id}' is not a valid DEPARTMENTIDS.`);
		}
		ctx.logDepartments(departmentIds);
		const channel = this.channel(ctx.clientId!, feed) ?? this.open(ctx.clientId!, feed);
		if (eventName) {
			channel.events.add(eventName);
		} else {
			channel.withOptional = feed.optionalEvent !== undefined && flagParam(params, feed.optionalEvent.flag);
			channel.events = new Set(channel.withOptional ? allEvents(feed) : feed.events);
		}
		channel.departments = departmentIds && new Set(departmentIds);
		return jsonReply(200, { success: 'true' });
	}

	/** `DELETE {subscription}`: everything, or the one `eventname` (query or form body). */
	unsubscribe(ctx: RequestContext, feed: FeedDefinition): Reply {
		const eventName = eventParam(ctx.params, feed);
		const channel = this.channel(ctx.clientId!, feed);
		if (channel) {
			if (eventName) channel.events.delete(eventName);
			// Without any event the subscription, and its queue, are gone.
			if (!eventName || channel.events.size === 0) this.channels.get(ctx.clientId!)!.delete(feed.id);
		}
		return jsonReply(200, { success: 'true' });
	}

	/** `GET {changed}`: reads the queue (removing what it returns) or replays processed messages. */
	async read(ctx: RequestContext, feed: FeedDefinition): Promise<Reply> {
		const channel = this.channel(ctx.clientId!, feed) ?? refuse(403, NO_SUBSCRIPTION);
		const { params } = ctx;
		let limit = countParam(params, 'limit') ?? MAX_LIMIT;
		if (limit < 1) refuseInvalid(`The value '${limit}' is not a valid LIMIT.`);
		if (limit > MAX_LIMIT) {
			this.stats.violation('limitOverMax');
			limit = MAX_LIMIT;
		}
		const offset = countParam(params, 'offset') ?? 0;
		const departmentIds = listParam(params, 'departmentid');
		const filter: MessageFilter = {
			departments: toSet(departmentIds),
			patientIds: toSet(listParam(params, 'patientids')),
			providerIds: toSet(listParam(params, 'providerid')),
		};
		const window = processedWindow(params);
		ctx.logDepartments(departmentIds);

		// Seed: never two unanswered /changed calls for the same department.
		const read: InFlightRead = { departments: filter.departments };
		if ([...channel.inFlight].some((other) => overlaps(other.departments, read.departments))) {
			this.stats.violation('concurrentChanged');
			refuse(409, 'A /changed call for this department is still being answered.');
		}
		channel.inFlight.add(read);
		ctx.onAnswer(() => channel.inFlight.delete(read));
		// Injected latency runs inside the in-flight window, so overlapping reads are observable.
		await ctx.delay();

		const now = this.clock.now();
		const { queue } = channel;
		channel.lastActivity = now;
		queue.prune(now - this.retentionMs);
		if (window) {
			const { includesQueued, ignoresOffset } = this.replayBehaviour;
			const from = ignoresOffset ? 0 : offset;
			const { total, page } = queue.replay(filter, window.from, window.to, from, limit, includesQueued);
			return changedReply(ctx, feed, total, from, limit, page);
		}
		const total = queue.count(filter);
		const page = queue.select(filter, offset, limit);
		if (!flagParam(params, 'leaveunprocessed')) queue.process(page, now);
		return changedReply(ctx, feed, total, offset, limit, page);
	}

	private open(clientId: string, feed: FeedDefinition): Channel {
		const channel: Channel = {
			clientId,
			feed,
			events: new Set(),
			withOptional: false,
			lastActivity: this.clock.now(),
			queue: new MessageQueue(),
			inFlight: new Set(),
		};
		let byFeed = this.channels.get(clientId);
		if (!byFeed) {
			byFeed = new Map();
			this.channels.set(clientId, byFeed);
		}
		byFeed.set(feed.id, channel);
		return channel;
	}
}

/** ACTIVE: every event of a complete subscription; PARTIAL: some; INACTIVE: none. */
function subscriptionStatus(channel: Channel | undefined): SubscriptionStatus {
	if (!channel || channel.events.size === 0) return 'INACTIVE';
	const complete = channel.withOptional ? allEvents(channel.feed) : channel.feed.events;
	return complete.every((event) => channel.events.has(event)) ? 'ACTIVE' : 'PARTIAL';
}

function eventParam(params: URLSearchParams, feed: FeedDefinition): string | undefined {
	const eventName = param(params, 'eventname');
	if (eventName !== undefined && !allEvents(feed).includes(eventName)) refuseEnum(eventName, 'EVENTNAME');
	return eventName;
}

function toSet(values: string[] | undefined): ReadonlySet<string> | undefined {
	return values && new Set(values);
}

function overlaps(a: ReadonlySet<string> | undefined, b: ReadonlySet<string> | undefined): boolean {
	if (!a || !b) return true;
	for (const department of a) if (b.has(department)) return true;
	return false;
}

/**
 * The replay window: Eastern `mm/dd/yyyy hh24:mi:ss`, both ends inclusive to the second; a missing
 * end means "until now".
 */
function processedWindow(params: URLSearchParams): { from: number; to: number } | undefined {
	const start = param(params, 'showprocessedstartdatetime');
	const end = param(params, 'showprocessedenddatetime');
	if (start === undefined && end === undefined) return undefined;
	if (start === undefined) refuseMissing(['showprocessedstartdatetime']);
	const parse = (text: string, name: string) =>
		parseEastern(text) ?? refuseInvalid(`${name} must be mm/dd/yyyy hh24:mi:ss (US Eastern time); got '${text}'.`);
	const from = parse(start, 'showprocessedstartdatetime');
	const to = end === undefined ? Number.POSITIVE_INFINITY : parse(end, 'showprocessedenddatetime') + 999;
	if (from > to) refuseInvalid('showprocessedstartdatetime is after showprocessedenddatetime.');
	return { from, to };
}

/**
 * `{"totalcount", "<recordKey>": [...], "next"?, "previous"?}` built from pre-serialized records. `next`
 * points past this page in the ordering before the read: on a delete-on-read feed following it skips
 * records still queued, as athena's offset paging can (athena-api.md [U]).
 */
function changedReply(
	ctx: RequestContext,
	feed: FeedDefinition,
	total: number,
	offset: number,
	limit: number,
	page: readonly Message[],
): Reply {
	const link = (at: number) => {
		const query = new URLSearchParams(ctx.url.searchParams);
		query.set('offset', String(at));
		return JSON.stringify(`/v1/${PRACTICE_ID}/${changedPath(feed)}?${query}`);
	};
	let body = `{"totalcount":${total},${JSON.stringify(feed.recordKey)}:[${page.map((message) => message.record.json).join(',')}]`;
	if (total > offset + page.length) body += `,"next":${link(offset + page.length)}`;
	if (offset > 0) body += `,"previous":${link(Math.max(0, offset - limit))}`;
	return { status: 200, body: `${body}}` };
}
