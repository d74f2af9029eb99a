import type { IDataObject } from 'n8n-workflow';

import { classifyAthenaFailure } from '../nodes/Athenahealth/common/changedFeed';
import { makeTransform } from '../nodes/Athenahealth/common/records';
import {
	drain,
	recordsOf,
	toQuery,
	type FetchPage,
	type Page,
	type PageRequest,
} from '../nodes/Athenahealth/drain';
import { changedPath, type FeedDefinition } from '../nodes/Athenahealth/feeds/catalog';
import { RecordFactory } from '../test/sandbox/records';
import { collect, median, sleep } from './measure';

const PRACTICE_ID = 195900;

/** One batch's records as athena would page them, parsed once up front (parse is timed apart). */
interface SyntheticBacklog {
	/** Records per department batch key (`departmentIds.join(',')`), in queue order. */
	byBatch: Map<string, IDataObject[]>;
	records: number;
	jsonBytes: number;
	/** CPU µs per record to JSON.parse the pages (what the drain does NOT include below). */
	parseUsPerRecord: number;
}

/** The sandbox's own record shapes, spread round-robin over the departments as `inject` does. */
export function syntheticBacklog(
	feed: FeedDefinition,
	records: number,
	departments: number,
	batchSize = 20,
): SyntheticBacklog {
	const factory = new RecordFactory();
	const now = Date.now();
	const texts = new Map<string, string[]>();
	for (let index = 0; index < records; index++) {
		const department = (index % departments) + 1;
		const key = batchKey(department, batchSize, departments);
		const list = texts.get(key) ?? texts.set(key, []).get(key)!;
		list.push(JSON.stringify(factory.create(feed, String(department), now)));
	}
	// Pages of 1000 as athena sends them; parse them and keep the objects.
	const byBatch = new Map<string, IDataObject[]>();
	let jsonBytes = 0;
	let parseCpu = 0;
	for (const [key, list] of texts) {
		const parsed: IDataObject[] = [];
		for (let start = 0; start < list.length; start += 1000) {
			const body = `{"totalcount":${list.length - start},${JSON.stringify(feed.recordKey)}:[${list.slice(start, start + 1000).join(',')}]}`;
			const cpu = process.cpuUsage();
			const page = JSON.parse(body) as IDataObject;
			const used = process.cpuUsage(cpu);
			parseCpu += used.user + used.system;
			parsed.push(...(page[feed.recordKey] as IDataObject[]));
		}
		for (const text of list) jsonBytes += Buffer.byteLength(text);
		byBatch.set(key, parsed);
	}
	return { byBatch, records, jsonBytes, parseUsPerRecord: parseCpu / records };
}

function batchKey(department: number, batchSize: number, departments: number): string {
	const first = Math.floor((department - 1) / batchSize) * batchSize + 1;
	const last = Math.min(first + batchSize - 1, departments);
	return Array.from({ length: last - first + 1 }, (_, index) => first + index).join(',');
}

/**
 * A fetchPage with no I/O and no parse: destructive reads hand out each batch's records in order,
 * replays page through them by offset (`queueEmpty`: a replay after the queue was read). Its own
 * cost is a slice per page.
 */
function syntheticFetchPage(
	backlog: SyntheticBacklog,
	serverTime: number,
	queueEmpty = false,
): FetchPage {
	const cursor = new Map<string, number>();
	return async (request: PageRequest): Promise<Page> => {
		const key = request.departmentIds?.join(',') ?? '';
		const list = backlog.byBatch.get(key) ?? [];
		if (request.replay) {
			const { offset } = request.replay;
			return { records: list.slice(offset, offset + request.limit), serverTime };
		}
		if (queueEmpty) return { records: [], serverTime };
		const at = cursor.get(key) ?? 0;
		cursor.set(key, at + request.limit);
		return { records: list.slice(at, at + request.limit), serverTime };
	};
}

export interface CpuFigures {
	/** Median CPU µs per record of a destructive drain: transform + event filter (dedupe does not run there). */
	drainUs: number;
	/** Median CPU µs per record of a crash-recovery replay of the same records: transform + filter + dedupe. */
	replayUs: number;
	drainRunsUs: number[];
	replayRunsUs: number[];
	records: number;
	calls: number;
	duplicatesDropped: number;
}

/**
 * CPU µs per record spent by the drain library itself (latency 0, no I/O, pages pre-parsed):
 * `drain()` from nodes/Athenahealth/drain with the trigger's own `makeTransform`, median of `runs`.
 */
export async function cpuPerRecord(
	feed: FeedDefinition,
	backlog: SyntheticBacklog,
	departments: number,
	runs: number,
): Promise<CpuFigures> {
	const departmentIds = Array.from({ length: departments }, (_, index) => index + 1);
	// As the trigger builds it; with an event list the filter runs (athena's records name no event, so all pass).
	const transform = makeTransform({
		feed: feed.id,
		practiceId: PRACTICE_ID,
		keepEvents: ['ScheduleAppointment', 'CheckIn'],
	});
	const base = {
		feed,
		departmentIds,
		transform,
		sleep,
		classify: classifyAthenaFailure,
		concurrency: 5,
	};
	// The fingerprints of the first 2000 records, as a saved drain's tail would hold them: replays drop them.
	const first = [...backlog.byBatch.values()][0].slice(0, 2000);
	const recent = {
		'0': first.map(
			(record) => `${String(record[feed.idField])}@${String(record[feed.modifiedField!])}`,
		),
	};

	const drainRunsUs: number[] = [];
	const replayRunsUs: number[] = [];
	let calls = 0;
	let duplicatesDropped = 0;
	for (let run = -2; run < runs; run++) {
		const serverTime = Date.now();
		collect();
		let cpu = process.cpuUsage();
		const drained = await drain({ ...base, fetchPage: syntheticFetchPage(backlog, serverTime) });
		let used = process.cpuUsage(cpu);
		if (drained.items.length !== backlog.records)
			throw new Error(`synthetic drain emitted ${drained.items.length}`);
		if (run >= 0) drainRunsUs.push((used.user + used.system) / backlog.records);
		calls = drained.stats.calls.drain;

		collect();
		cpu = process.cpuUsage();
		const replayed = await drain({
			...base,
			fetchPage: syntheticFetchPage(backlog, serverTime, true),
			recovery: { state: { windowStart: serverTime - 60_000, recent }, replay: true },
		});
		used = process.cpuUsage(cpu);
		if (run >= 0) replayRunsUs.push((used.user + used.system) / backlog.records);
		duplicatesDropped = replayed.stats.duplicates;
	}
	return {
		drainUs: median(drainRunsUs),
		replayUs: median(replayRunsUs),
		drainRunsUs,
		replayRunsUs,
		records: backlog.records,
		calls,
		duplicatesDropped,
	};
}

/**
 * The same `drain()` over HTTP with a lean fetchPage (fetch + JSON.parse, no n8n, no axios): the
 * drain's scheduling alone, to set against the trigger path's n8n and axios overhead.
 */
export function leanHttpFetchPage(
	baseUrl: string,
	practiceId: string,
	token: string,
	feed: FeedDefinition,
): FetchPage {
	const path = `${baseUrl}/v1/${practiceId}/${changedPath(feed)}`;
	return async (request) => {
		const query = new URLSearchParams();
		for (const [key, value] of Object.entries(toQuery(request))) query.set(key, String(value));
		const response = await fetch(`${path}?${query}`, {
			headers: { Authorization: `Bearer ${token}` },
		});
		if (!response.ok)
			throw Object.assign(new Error(`athena ${response.status}`), {
				httpCode: String(response.status),
			});
		const body = (await response.json()) as IDataObject;
		const date = Date.parse(response.headers.get('date') ?? '');
		return { records: recordsOf(body, feed), serverTime: Number.isNaN(date) ? undefined : date };
	};
}
