import { changedPath, getFeed, subscriptionPath } from '../../nodes/Athenahealth/feeds/catalog';
import { SandboxCore } from './core';
import { AthenaClient } from '../harness/athenaClient';
import { startSandbox, type Sandbox } from './index';
import type { RequestContext } from './protocol';

const appointments = getFeed('appointments');
const DEPARTMENTS = 400;
const RECORDS = 100_000;
const BATCH = 20;

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
	let reads = 0;
	const started = performance.now();
	const cpu = process.cpuUsage();
	for (let first = 1; first <= DEPARTMENTS; first += BATCH) {
		const departmentid = Array.from({ length: BATCH }, (_, index) => first + index).join(',');
		for (;;) {
			const response = await api.get(changedPath(appointments), { departmentid });
			reads++;
			const page = response.body[appointments.recordKey] as Array<Record<string, string>>;
			for (const record of page) seen.add(record[appointments.idField]);
			if (page.length < 1000) break;
		}
	}
	const used = process.cpuUsage(cpu);
	const wallMs = performance.now() - started;
	console.log(
		`drained ${seen.size} records in ${reads} reads: ${wallMs.toFixed(0)} ms wall, ` +
			`${((used.user + used.system) / 1000).toFixed(0)} ms CPU for sandbox and client together`,
	);
	expect(seen.size).toBe(RECORDS);
	expect(sandbox.state.queues()[0]).toMatchObject({ queued: 0, processed: RECORDS });
	// Generous for a shared 2-core machine; this includes the client's fetch and JSON parsing.
	expect(wallMs).toBeLessThan(10_000);
});

test('the same drain costs the sandbox itself well under a second of CPU', async () => {
	const core = new SandboxCore({ departments: DEPARTMENTS });
	const context = (query: string): RequestContext => ({
		method: 'GET',
		url: new URL(`http://127.0.0.1/v1/195900/${changedPath(appointments)}?${query}`),
		params: new URLSearchParams(query),
		authorization: undefined,
		clientId: 'sandbox-client',
		delay: async () => undefined,
		onAnswer: (release) => queueMicrotask(release),
		logDepartments: () => undefined,
	});
	core.feeds.subscribe(context(''), appointments);
	core.inject({ feed: appointments.id, count: RECORDS });

	let drained = 0;
	let bytes = 0;
	const cpu = process.cpuUsage();
	for (let first = 1; first <= DEPARTMENTS; first += BATCH) {
		const departmentid = Array.from({ length: BATCH }, (_, index) => first + index).join(',');
		for (;;) {
			const reply = await core.feeds.read(context(`departmentid=${departmentid}`), appointments);
			bytes += reply.body.length;
			const count = (reply.body.match(/"appointmentid"/g) ?? []).length;
			drained += count;
			if (count < 1000) break;
		}
	}
	const used = process.cpuUsage(cpu);
	const cpuMs = (used.user + used.system) / 1000;
	console.log(`sandbox alone: ${drained} records, ${(bytes / 1e6).toFixed(1)} MB of JSON, ${cpuMs.toFixed(0)} ms CPU`);
	expect(drained).toBe(RECORDS);
	expect(cpuMs).toBeLessThan(1000);
});
