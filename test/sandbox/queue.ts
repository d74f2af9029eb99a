/**
 * One client's queue for one feed: messages in sequence order, indexed per department so that a
 * read for 20 of 400 departments touches only those departments' messages.
 */

/** A changed record as every subscribed client receives it: serialized once, shared by the queues. */
export interface FeedRecord {
	readonly value: Readonly<Record<string, unknown>>;
	readonly json: string;
	readonly departmentId: string;
	readonly patientId?: string;
	readonly providerId?: string;
}

export type MessageState = 'queued' | 'processed' | 'expired';

export interface Message {
	readonly seq: number;
	readonly event: string;
	readonly enqueuedAt: number;
	readonly record: FeedRecord;
	state: MessageState;
	processedAt?: number;
}

export interface MessageFilter {
	departments?: ReadonlySet<string>;
	patientIds?: ReadonlySet<string>;
	providerIds?: ReadonlySet<string>;
}

function keeps(filter: MessageFilter, record: FeedRecord): boolean {
	return (
		(!filter.departments || filter.departments.has(record.departmentId)) &&
		(!filter.patientIds ||
			(record.patientId !== undefined && filter.patientIds.has(record.patientId))) &&
		(!filter.providerIds ||
			(record.providerId !== undefined && filter.providerIds.has(record.providerId)))
	);
}

/** Messages in sequence order. Leaving the queue only flips a message's state, so reads never shift arrays. */
class MessageList {
	items: Message[] = [];
	head = 0;
	live = 0;
	/** Messages at or after `head` that left the queue. */
	private gone = 0;

	push(message: Message): void {
		this.items.push(message);
		this.live++;
	}

	left(): void {
		this.live--;
		this.gone++;
	}

	/** Skips departed messages at the head; compacts once departed ones dominate. */
	tidy(): void {
		const { items } = this;
		while (this.head < items.length && items[this.head].state !== 'queued') {
			this.head++;
			this.gone--;
		}
		if (this.gone > 64 && this.gone > this.live) {
			this.items = items.slice(this.head).filter((message) => message.state === 'queued');
			this.head = 0;
			this.gone = 0;
		} else if (this.head > 1024 && this.head * 2 > items.length) {
			this.items = items.slice(this.head);
			this.head = 0;
		}
	}
}

function* walk(list: MessageList): Generator<Message> {
	const { items } = list;
	for (let index = list.head; index < items.length; index++)
		if (items[index].state === 'queued') yield items[index];
}

interface Cursor {
	readonly source: Iterator<Message>;
	current: Message;
}

/** k-way merge by sequence over a binary min-heap of cursors. */
function* merge(lists: readonly MessageList[]): Generator<Message> {
	const heap: Cursor[] = [];
	for (const list of lists) {
		const source = walk(list);
		const first = source.next();
		if (!first.done) heap.push({ source, current: first.value });
	}
	heap.sort((a, b) => a.current.seq - b.current.seq);
	while (heap.length) {
		const top = heap[0];
		yield top.current;
		const next = top.source.next();
		if (next.done) {
			const last = heap.pop()!;
			if (!heap.length) return;
			heap[0] = last;
		} else {
			top.current = next.value;
		}
		siftDown(heap);
	}
}

function siftDown(heap: Cursor[]): void {
	let index = 0;
	for (;;) {
		const left = 2 * index + 1;
		const right = left + 1;
		let smallest = index;
		if (left < heap.length && heap[left].current.seq < heap[smallest].current.seq) smallest = left;
		if (right < heap.length && heap[right].current.seq < heap[smallest].current.seq)
			smallest = right;
		if (smallest === index) return;
		[heap[index], heap[smallest]] = [heap[smallest], heap[index]];
		index = smallest;
	}
}

export class MessageQueue {
	private nextSeq = 1;
	private readonly all = new MessageList();
	private readonly byDepartment = new Map<string, MessageList>();
	/** Processed messages in processed order, replayable until retention forgets them. */
	private processedLog: Message[] = [];
	private processedHead = 0;
	expired = 0;

	get length(): number {
		return this.all.live;
	}

	get processedCount(): number {
		return this.processedLog.length - this.processedHead;
	}

	enqueue(record: FeedRecord, event: string, now: number): void {
		const message: Message = {
			seq: this.nextSeq++,
			event,
			enqueuedAt: now,
			record,
			state: 'queued',
		};
		this.all.push(message);
		let list = this.byDepartment.get(record.departmentId);
		if (!list) {
			list = new MessageList();
			this.byDepartment.set(record.departmentId, list);
		}
		list.push(message);
	}

	/** Retention: drops queued messages enqueued, and forgets processed ones processed, at or before `cutoff`. */
	prune(cutoff: number): void {
		const { items } = this.all;
		const touched = new Set<MessageList>();
		for (
			let index = this.all.head;
			index < items.length && items[index].enqueuedAt <= cutoff;
			index++
		) {
			const message = items[index];
			if (message.state !== 'queued') continue;
			touched.add(this.depart(message, 'expired'));
			this.expired++;
		}
		this.all.tidy();
		for (const list of touched) list.tidy();
		const log = this.processedLog;
		while (this.processedHead < log.length && log[this.processedHead].processedAt! <= cutoff)
			this.processedHead++;
		if (this.processedHead > 1024 && this.processedHead * 2 > log.length) {
			this.processedLog = log.slice(this.processedHead);
			this.processedHead = 0;
		}
	}

	/** How many queued messages match. */
	count(filter: MessageFilter): number {
		if (!filter.patientIds && !filter.providerIds) {
			return this.lists(filter).reduce((sum, list) => sum + list.live, 0);
		}
		let count = 0;
		const matching = this.matching(filter);
		while (!matching.next().done) count++;
		return count;
	}

	/** The oldest `limit` queued messages matching `filter` once the first `offset` of them are skipped. */
	select(filter: MessageFilter, offset: number, limit: number): Message[] {
		const page: Message[] = [];
		let skipped = 0;
		for (const message of this.matching(filter)) {
			if (skipped < offset) skipped++;
			else if (page.push(message) >= limit) break;
		}
		return page;
	}

	/** Removes read messages from the queue, stamping their processed time. */
	process(messages: readonly Message[], now: number): void {
		const touched = new Set<MessageList>();
		for (const message of messages) {
			touched.add(this.depart(message, 'processed'));
			message.processedAt = now;
			this.processedLog.push(message);
		}
		this.all.tidy();
		for (const list of touched) list.tidy();
	}

	/**
	 * Processed messages whose processed time falls in [from, to], in processed order, paged; with
	 * `withQueued`, the queued messages matching the filter follow them (left queued).
	 */
	replay(
		filter: MessageFilter,
		from: number,
		to: number,
		offset: number,
		limit: number,
		withQueued = false,
	): { total: number; page: Message[] } {
		const page: Message[] = [];
		let total = 0;
		const take = (message: Message) => {
			if (total >= offset && page.length < limit) page.push(message);
			total++;
		};
		const log = this.processedLog;
		for (let index = this.processedHead; index < log.length; index++) {
			const message = log[index];
			const at = message.processedAt!;
			if (at < from || at > to || !keeps(filter, message.record)) continue;
			take(message);
		}
		if (withQueued) for (const message of this.matching(filter)) take(message);
		return { total, page };
	}

	/** Queued messages in sequence order (assertions and control endpoints). */
	queued(): Message[] {
		return [...walk(this.all)];
	}

	private depart(message: Message, state: Exclude<MessageState, 'queued'>): MessageList {
		message.state = state;
		this.all.left();
		const list = this.byDepartment.get(message.record.departmentId)!;
		list.left();
		return list;
	}

	private lists(filter: MessageFilter): MessageList[] {
		if (!filter.departments) return [this.all];
		const lists: MessageList[] = [];
		for (const department of filter.departments) {
			const list = this.byDepartment.get(department);
			if (list && list.live > 0) lists.push(list);
		}
		return lists;
	}

	private *matching(filter: MessageFilter): Generator<Message> {
		const lists = this.lists(filter);
		const source = lists.length === 1 ? walk(lists[0]) : merge(lists);
		if (!filter.patientIds && !filter.providerIds) {
			yield* source;
			return;
		}
		for (const message of source) if (keeps(filter, message.record)) yield message;
	}
}
