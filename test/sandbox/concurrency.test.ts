import { changedPath, getFeed, subscriptionPath } from '../../nodes/Athenahealth/feeds/catalog';
import { MANY_TOKENS, useSandbox } from '../harness/sandbox';

const t = useSandbox(MANY_TOKENS);
const appointments = getFeed('appointments');
const READ = changedPath(appointments);
// Long enough for the overlapping reads to arrive on a loaded machine; the first is in flight before they start.
const LATENCY_MS = 1000;
const REFUSAL = { error: 'A /changed call for this department is still being answered.' };

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Starts a read and resolves once the sandbox holds it in flight: the sandbox counts a request's
 * latency fault on arrival, and marks a /changed read in flight in the same tick.
 */
async function inFlight<T>(read: () => Promise<T>): Promise<{ answer: Promise<T> }> {
	const arrived = () => t.sandbox.stats().faults.latency ?? 0;
	const before = arrived();
	const answer = read();
	while (arrived() === before) await pause(5);
	return { answer };
}

beforeEach(async () => {
	await t.api.post(subscriptionPath(appointments));
	await t.other.post(subscriptionPath(appointments));
	t.sandbox.inject({ feed: appointments.id, count: 24 });
	// Latency runs inside the in-flight window, so a read stays unanswered long enough to overlap.
	t.sandbox.setFaults({ seed: 1, rules: [{ route: 'changed', latencyMs: LATENCY_MS }] });
});

test('a second read for a department still being answered is refused with 409 and counted', async () => {
	const { answer: first } = await inFlight(() => t.api.get(READ, { departmentid: '1,2' }));
	const [sameDepartment, wholePractice, otherDepartment, otherClient] = await Promise.all([
		t.api.get(READ, { departmentid: '2,5' }),
		t.api.get(READ),
		t.api.get(READ, { departmentid: '3' }),
		t.other.get(READ, { departmentid: '1' }),
	]);
	expect((await first).status).toBe(200);
	expect([sameDepartment.status, sameDepartment.body]).toEqual([409, REFUSAL]);
	expect([wholePractice.status, wholePractice.body]).toEqual([409, REFUSAL]);
	expect(otherDepartment.status).toBe(200);
	// In-flight reads are tracked per API key.
	expect(otherClient.status).toBe(200);
	expect(t.sandbox.stats().violations.concurrentChanged).toBe(2);
	// Once answered, the department can be read again.
	expect((await t.api.get(READ, { departmentid: '2' })).status).toBe(200);
});

test('a whole-practice read in flight covers every department', async () => {
	const { answer: first } = await inFlight(() => t.api.get(READ));
	const second = await t.api.get(READ, { departmentid: '7' });
	expect(second.status).toBe(409);
	expect((await first).body.totalcount).toBe(24);
	expect(t.sandbox.stats().violations.concurrentChanged).toBe(1);
});

test('a read dropped after processing ends its in-flight window', async () => {
	t.sandbox.setFaults({
		seed: 1,
		rules: [{ route: 'changed', latencyMs: 50, rateDropAfterProcessing: 1 }],
	});
	await expect(t.api.get(READ, { departmentid: '1' })).rejects.toThrow();
	t.sandbox.setFaults({ seed: 1, rules: [] });
	expect((await t.api.get(READ, { departmentid: '1' })).status).toBe(200);
});
