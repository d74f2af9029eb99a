/** Control: events happening in the practice, enqueued for every client subscribed to them. */
import { z } from 'zod';
import { allEvents, getFeed } from '../../nodes/Athenahealth/feeds/catalog';
import type { SandboxClock } from './clock';
import type { FeedStore } from './feeds';
import { toFeedRecord, type RecordFactory } from './records';
import type { SeedData } from './seed';

export const injectSpecSchema = z
	.object({
		/** A catalog feed key, e.g. `appointments` or `chart/healthhistory/problems`. */
		feed: z.string(),
		/** How many records to generate (default 1); ignored when `records` is given. */
		count: z.number().int().min(0).max(1_000_000).optional(),
		/** Departments the records are spread over round-robin (default: every seeded department). */
		departmentIds: z
			.array(z.union([z.string(), z.number()]).transform(String))
			.min(1)
			.optional(),
		/** Defaults to the feed's first event. */
		event: z.string().optional(),
		/** Records to enqueue as given; a record's own `departmentid` routes it. */
		records: z.array(z.record(z.unknown())).optional(),
		/** Only this client's queue (default: every subscribed client). */
		clientId: z.string().optional(),
	})
	.strict();

export type InjectSpec = z.input<typeof injectSpecSchema>;

export function inject(
	input: InjectSpec,
	deps: { feeds: FeedStore; records: RecordFactory; seed: SeedData; clock: SandboxClock },
): Record<string, unknown>[] {
	const spec = injectSpecSchema.parse(input);
	const feed = getFeed(spec.feed);
	const event = spec.event ?? feed.events[0];
	if (!allEvents(feed).includes(event))
		throw new Error(`Feed "${feed.id}" has no event "${event}".`);
	const departments =
		spec.departmentIds ?? deps.seed.departments.map((department) => department.departmentid);
	const unknown = departments.filter((id) => !deps.seed.departmentIds.has(id));
	if (unknown.length) throw new Error(`Unknown department(s): ${unknown.join(', ')}.`);
	const now = deps.clock.now();
	const values =
		spec.records ??
		Array.from({ length: spec.count ?? 1 }, (_, index) =>
			deps.records.create(feed, departments[index % departments.length], now),
		);
	const feedRecords = values.map((value, index) =>
		toFeedRecord(
			value,
			value.departmentid === undefined
				? departments[index % departments.length]
				: String(value.departmentid),
		),
	);
	deps.feeds.publish(feed, event, feedRecords, spec.clientId);
	return values;
}
