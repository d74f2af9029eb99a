/** Changed-data subscriptions and reads (docs/athena-contract.md#subscriptions, #reading-a-feed), for every feed of the catalog. */
import {
	allEvents,
	changedPath,
	type FeedDefinition,
} from '../../nodes/Athenahealth/feeds/catalog';
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

/**
 * Feeds whose recorded answers put the record list before `totalcount` (key order is not
 * guaranteed, docs/athena-contract.md#what-athena-ignores; the sandbox still answers as recorded).
 */
const LIST_FIRST = new Set([
	'orders/signedoff',
	'claims',
	'chart/healthhistory/medication',
	'providers',
	'labresults',
	'patients',
]);

/** Default and maximum page (the guide's advice; docs/athena-contract.md#reading-a-feed). */
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
	/** Optional events the last subscribe-to-all asked for by flag: they then belong to a complete subscription. */
	withOptional: string[];
	lastActivity: number;
	readonly queue: MessageQueue;
	readonly inFlight: Set<InFlightRead>;
}

export interface SubscriptionView {
	status: SubscriptionStatus;
	events: string[];
	departmentIds?: string[];
}

/**
 * How subscription answers look: athena's 2025 form by default. `statusDepartmentIds: false` is the
 * form before department subscriptions (athena's 21.7 release; 2020 recordings have no key);
 * `successAsString` the 2016 recording's `"success":"true"`.
 */
export interface AnswerStyle {
	statusDepartmentIds: boolean;
	successAsString: boolean;
}

const DEFAULT_STYLE: AnswerStyle = { statusDepartmentIds: true, successAsString: false };

/** How a replay window answers where athena's behaviour is unknown (docs/athena-contract.md#unconfirmed). */
export interface ReplayBehaviour {
	/** The window also returns records still queued (after the processed ones), without removing them. */
	includesQueued: boolean;
	/** `offset` is ignored: every page of a replay starts at the window's first record. */
	ignoresOffset: boolean;
}

export class FeedStore {
	replayBehaviour: ReplayBehaviour = { includesQueued: false, ignoresOffset: false };
	private readonly channels = new Map<string, Map<string, Channel>>();
	style: AnswerStyle = { ...DEFAULT_STYLE };
	/**
	 * Switch: events athena offers beyond the catalog's, per feed (the event names of unconfirmed
	 * feeds are athena's to decide; docs/athena-contract.md#unconfirmed).
	 */
	readonly extraEvents = new Map<string, string[]>();

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
	publish(
		feed: FeedDefinition,
		event: string,
		records: readonly FeedRecord[],
		onlyClientId?: string,
	): void {
		const now = this.clock.now();
		for (const clientId of this.channels.keys()) {
			if (onlyClientId !== undefined && clientId !== onlyClientId) continue;
			const channel = this.channel(clientId, feed);
			if (!channel?.events.has(event)) continue;
			const { departments, queue } = channel;
			for (const record of records)
				if (!departments || departments.has(record.departmentId)) queue.enqueue(record, event, now);
		}
	}

	view(clientId: string, feed: FeedDefinition): SubscriptionView {
		const channel = this.channel(clientId, feed);
		const events = channel ? this.known(feed).filter((event) => channel.events.has(event)) : [];
		const complete = channel
			? [...feed.events, ...(this.extraEvents.get(feed.id) ?? []), ...channel.withOptional]
			: [];
		return {
			status: subscriptionStatus(channel, complete),
			events,
			departmentIds: channel ? [...(channel.departments ?? [])] : undefined,
		};
	}

	reset(): void {
		this.channels.clear();
		this.extraEvents.clear();
		this.style = { ...DEFAULT_STYLE };
	}

	/** Every event the feed offers here: the catalog's and the switch's. */
	known(feed: FeedDefinition): string[] {
		return [...allEvents(feed), ...(this.extraEvents.get(feed.id) ?? [])];
	}

	/**
	 * `GET {subscription}/events`: every event. Appointments list their optional events unasked
	 * (recorded); claims list CreateClaim only with `showadditionalevents` (the spec's flag on `/events`).
	 */
	events(ctx: RequestContext, feed: FeedDefinition): Reply {
		const hidden = (feed.optionalEvents ?? []).filter(
			(optional) => optional.onEventsList && !flagParam(ctx.params, optional.flag),
		);
		const names = this.known(feed).filter(
			(event) => !hidden.some((optional) => optional.event === event),
		);
		return jsonReply(200, { subscriptions: names.map((eventname) => ({ eventname })) });
	}

	/**
	 * `GET {subscription}`: as recorded in 2025, `departmentids` is always there (`[]` for the
	 * whole practice); unsubscribed reads `{"status":"INACTIVE","subscriptions":[]}`.
	 */
	status(ctx: RequestContext, feed: FeedDefinition): Reply {
		const view = this.view(ctx.clientId!, feed);
		if (view.status === 'INACTIVE')
			return jsonReply(200, { status: 'INACTIVE', subscriptions: [] });
		return jsonReply(200, {
			status: view.status,
			subscriptions: view.events.map((eventname) => ({ eventname })),
			...(this.style.statusDepartmentIds && {
				departmentids: (view.departmentIds ?? []).map(Number),
			}),
		});
	}

	/**
	 * `POST {subscription}`: no eventname subscribes to the complete set, one eventname adds that event;
	 * `departmentids` (the whole list on every call) scopes it. athena applies changes after about
	 * 10 minutes (seed); the sandbox applies them at once so tests need not wait.
	 */
	subscribe(ctx: RequestContext, feed: FeedDefinition): Reply {
		const { params } = ctx;
		const eventName = eventParam(params, this.known(feed));
		// A feed that takes no departmentids ignores them: the whole practice (unconfirmed; docs/athena-contract.md#unconfirmed).
		const departmentIds = feed.departments.subscribe
			? listParam(params, 'departmentids')
			: undefined;
		for (const id of departmentIds ?? []) {
			if (!this.seed.departmentIds.has(id))
				refuseInvalid(`The value '${id}' is not a valid DEPARTMENTIDS.`);
		}
		ctx.logDepartments(departmentIds);
		const channel = this.channel(ctx.clientId!, feed) ?? this.open(ctx.clientId!, feed);
		if (eventName) {
			channel.events.add(eventName);
		} else {
			channel.withOptional = (feed.optionalEvents ?? [])
				.filter((optional) => flagParam(params, optional.flag))
				.map((optional) => optional.event);
			// A complete subscription: the defaults, any event the switch offers, the flagged optional ones.
			channel.events = new Set([
				...feed.events,
				...(this.extraEvents.get(feed.id) ?? []),
				...channel.withOptional,
			]);
		}
		channel.departments = departmentIds && new Set(departmentIds);
		// 2025 recordings answer a JSON true (2016: the string "true"); the nodes accept both.
		return this.success();
	}

	/** `DELETE {subscription}`: everything, or the one `eventname` (query or form body). */
	unsubscribe(ctx: RequestContext, feed: FeedDefinition): Reply {
		const eventName = eventParam(ctx.params, this.known(feed));
		const channel = this.channel(ctx.clientId!, feed);
		if (channel) {
			if (eventName) channel.events.delete(eventName);
			// Without any event the subscription, and its queue, are gone.
			if (!eventName || channel.events.size === 0)
				this.channels.get(ctx.clientId!)!.delete(feed.id);
		}
		return this.success();
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
		// Recorded: a feed that takes no departmentid ignores it and answers for the whole practice.
		const departmentIds =
			feed.departments.read === 'none' ? undefined : listParam(params, 'departmentid');
		const filter: MessageFilter = {
			departments: toSet(departmentIds),
			// Filters only where the feed takes the parameter; elsewhere athena ignores it.
			patientIds: toSet(
				takes(feed, 'patientid')
					? listParam(params, 'patientid')
					: takes(feed, 'patientids')
						? listParam(params, 'patientids')
						: undefined,
			),
			providerIds: toSet(takes(feed, 'providerid') ? listParam(params, 'providerid') : undefined),
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
			const { total, page } = queue.replay(
				filter,
				window.from,
				window.to,
				from,
				limit,
				includesQueued,
			);
			return changedReply(ctx, feed, total, from, limit, page);
		}
		const total = queue.count(filter);
		const page = queue.select(filter, offset, limit);
		if (!flagParam(params, 'leaveunprocessed')) queue.process(page, now);
		return changedReply(ctx, feed, total, offset, limit, page);
	}

	private success(): Reply {
		return jsonReply(200, { success: this.style.successAsString ? 'true' : true });
	}

	private open(clientId: string, feed: FeedDefinition): Channel {
		const channel: Channel = {
			clientId,
			feed,
			events: new Set(),
			withOptional: [],
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
function subscriptionStatus(
	channel: Channel | undefined,
	complete: readonly string[],
): SubscriptionStatus {
	if (!channel || channel.events.size === 0) return 'INACTIVE';
	return complete.every((event) => channel.events.has(event)) ? 'ACTIVE' : 'PARTIAL';
}

function eventParam(params: URLSearchParams, known: readonly string[]): string | undefined {
	const eventName = param(params, 'eventname');
	if (eventName !== undefined && !known.includes(eventName)) refuseEnum(eventName, 'EVENTNAME');
	return eventName;
}

function takes(feed: FeedDefinition, param: string): boolean {
	return feed.readOptions?.some((option) => option.param === param) ?? false;
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
		parseEastern(text) ??
		refuseInvalid(`${name} must be mm/dd/yyyy hh24:mi:ss (US Eastern time); got '${text}'.`);
	const from = parse(start, 'showprocessedstartdatetime');
	const to =
		end === undefined ? Number.POSITIVE_INFINITY : parse(end, 'showprocessedenddatetime') + 999;
	if (from > to) refuseInvalid('showprocessedstartdatetime is after showprocessedenddatetime.');
	return { from, to };
}

/**
 * `{"totalcount", "<recordKey>": [...], "next"?, "previous"?}` built from pre-serialized records. `next`
 * points past this page in the ordering before the read: on a delete-on-read feed following it skips
 * records still queued, as athena's offset paging can (docs/athena-contract.md#unconfirmed).
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
	const list = `${JSON.stringify(feed.recordKey)}:[${page.map((message) => message.record.json).join(',')}]`;
	let body = LIST_FIRST.has(feed.id)
		? `{${list},"totalcount":${total}`
		: `{"totalcount":${total},${list}`;
	if (total > offset + page.length) body += `,"next":${link(offset + page.length)}`;
	if (offset > 0) body += `,"previous":${link(Math.max(0, offset - limit))}`;
	return { status: 200, body: `${body}}` };
}
