// A benchmark-sized backlog through the sandbox over HTTP: every record once, in bounded pages. What
// the sandbox's own reads cost is a benchmark (bench/sandboxCost.ts), never a time bound here.
import { changedPath, getFeed, subscriptionPath } from '../../nodes/Athenahealth/feeds/catalog';
import { AthenaClient } from '../harness/athenaClient';
import { startSandbox, type Sandbox } from './index';

const appointments = getFeed('appointments');
const DEPARTMENTS = 400;
const RECORDS = 100_000;
const BATCH = 20;
const PAGE = 1000;

let sandbox: Sandbox;
beforeAll(async () => {
	sandbox = await startSandbox({ departments: DEPARTMENTS });
});
afterAll(async () => {
	await sandbox.close();
});

test('100,000 queued records over 400 departments drain in pages of 1000 by batches of 20 departments', async () => {
	const api = new AthenaClient(sandbox);
	await api.post(subscriptionPath(appointments));
	sandbox.inject({ feed: appointments.id, count: RECORDS });

	const seen = new Set<string>();
	const pageSizes: number[] = [];
	for (let first = 1; first <= DEPARTMENTS; first += BATCH) {
		const departmentid = Array.from({ length: BATCH }, (_, index) => first + index).join(',');
		for (;;) {
			const response = await api.get(changedPath(appointments), { departmentid });
			const page = response.body[appointments.recordKey] as Array<Record<string, string>>;
			pageSizes.push(page.length);
			for (const record of page) seen.add(record[appointments.idField]);
			if (page.length < PAGE) break;
		}
	}
	expect(seen.size).toBe(RECORDS);
	expect(sandbox.state.queues()[0]).toMatchObject({ queued: 0, processed: RECORDS });
	// inject spreads the records evenly: 5,000 a batch, five full pages and the empty one that ends it.
	const perBatch = RECORDS / (DEPARTMENTS / BATCH);
	expect(pageSizes).toHaveLength((DEPARTMENTS / BATCH) * (perBatch / PAGE + 1));
	expect(Math.max(...pageSizes)).toBe(PAGE);
});
