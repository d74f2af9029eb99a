import { DateTime } from 'luxon';
import type { IDataObject } from 'n8n-workflow';

import type { FailureKind, PageRequest, Page } from '../../nodes/Athenahealth/drain';

type Fault = 'http429' | 'http500' | 'drop' | 'dropAfterProcessing' | 'http403';

interface Queued {
	record: IDataObject;
	department: number;
	processedAt?: number;
}

function parseEastern(text: string): number {
	return DateTime.fromFormat(text, 'MM/dd/yyyy HH:mm:ss', { zone: 'America/New_York' }).toMillis();
}

/**
 * An in-memory changed-data feed for the drain's unit tests (no HTTP): delete on read, replay of
 * processed records by window and offset, a clock that moves per call, injectable faults, and the
 * counts the tests assert (calls, parallel calls per department, the largest number in flight).
 */
export class FakeFeed {
	now = Date.UTC(2025, 0, 15, 15, 0, 0);
	/** Clock advance per call, in ms. */
	stepMs = 10;
	queue: Queued[] = [];
	processed: Queued[] = [];
	requests: PageRequest[] = [];
	violations = 0;
	maxInFlight = 0;
	faults: Array<Fault | undefined> = [];
	/** A replay window also returns the records still queued (after the processed ones), leaving them queued. */
	replayIncludesQueued = false;
	/** A replay ignores `offset`: every page starts at the window's first record. */
	replayIgnoresOffset = false;
	/** Decides a fault per call when `faults` is empty. */
	faultFor: (request: PageRequest, call: number) => Fault | undefined = () => undefined;
	private inFlight = new Map<string, number>();
	private busy = 0;
	private nextId = 1;

	add(count: number, departments: number[] = [1], extra: IDataObject = {}): IDataObject[] {
		const added: IDataObject[] = [];
		for (let index = 0; index < count; index++) {
			const department = departments[index % departments.length];
			const record = {
				appointmentid: String(this.nextId++),
				departmentid: String(department),
				lastmodified: '01/15/2025 10:00:00',
				...extra,
			};
			this.queue.push({ record, department });
			added.push(record);
		}
		return added;
	}

	private matches(entry: Queued, request: PageRequest): boolean {
		return !request.departmentIds || request.departmentIds.includes(entry.department);
	}

	fetchPage = async (request: PageRequest): Promise<Page> => {
		const call = this.requests.push(request);
		const keys = request.departmentIds ? request.departmentIds.map(String) : ['*'];
		const clash = keys.some(
			(key) =>
				this.inFlight.has(key) ||
				(key !== '*' && this.inFlight.has('*')) ||
				(key === '*' && this.inFlight.size > 0),
		);
		if (clash) this.violations++;
		for (const key of keys) this.inFlight.set(key, (this.inFlight.get(key) ?? 0) + 1);
		this.maxInFlight = Math.max(this.maxInFlight, ++this.busy);
		try {
			await new Promise((resolve) => setImmediate(resolve));
			this.now += this.stepMs;
			const fault = this.faults.length ? this.faults.shift() : this.faultFor(request, call);
			if (fault === 'http429')
				throw Object.assign(new Error('rate limited'), {
					httpCode: '429',
					failure: { retryAfterMs: 1 },
				});
			if (fault === 'http500') throw Object.assign(new Error('server error'), { httpCode: '500' });
			if (fault === 'http403')
				throw Object.assign(new Error('not subscribed'), { httpCode: '403' });
			if (fault === 'drop') throw Object.assign(new Error('socket hang up'), { httpCode: null });
			const records = this.read(request);
			if (fault === 'dropAfterProcessing')
				throw Object.assign(new Error('socket hang up'), { httpCode: null });
			return { records, serverTime: Math.floor(this.now / 1000) * 1000 };
		} finally {
			this.busy--;
			for (const key of keys) {
				const left = this.inFlight.get(key)! - 1;
				if (left === 0) this.inFlight.delete(key);
				else this.inFlight.set(key, left);
			}
		}
	};

	private read(request: PageRequest): IDataObject[] {
		if (request.replay) {
			const from = parseEastern(request.replay.start);
			const to = parseEastern(request.replay.end) + 999;
			const offset = this.replayIgnoresOffset ? 0 : request.replay.offset;
			const inWindow = this.processed.filter(
				(entry) =>
					this.matches(entry, request) && entry.processedAt! >= from && entry.processedAt! <= to,
			);
			const queued = this.replayIncludesQueued
				? this.queue.filter((entry) => this.matches(entry, request))
				: [];
			return [...inWindow, ...queued]
				.slice(offset, offset + request.limit)
				.map((entry) => ({ ...entry.record }));
		}
		const page = this.queue.filter((entry) => this.matches(entry, request)).slice(0, request.limit);
		if (!request.leaveUnprocessed) {
			const taken = new Set(page);
			this.queue = this.queue.filter((entry) => !taken.has(entry));
			for (const entry of page) this.processed.push({ ...entry, processedAt: this.now });
		}
		return page.map((entry) => ({ ...entry.record }));
	}

	callsOf(kind: 'drain' | 'replay'): number {
		return this.requests.filter((request) => (kind === 'replay') === (request.replay !== undefined))
			.length;
	}
}

export const noSleep = async () => {};

/** How the drain reads the fake's failures: the same rules the request layer's adapter applies. */
export function classifyFake(error: unknown): FailureKind {
	const { httpCode, failure } = error as {
		httpCode?: string | null;
		failure?: { retryAfterMs?: number };
	};
	if (httpCode === '429')
		return { retry: true, retryAfterMs: failure?.retryAfterMs, maybeProcessed: false };
	if (httpCode === null || httpCode === '500') return { retry: true, maybeProcessed: true };
	return { retry: false, maybeProcessed: false };
}
