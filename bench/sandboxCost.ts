/**
 * `npx ts-node --transpile-only bench/sandboxCost.ts`: what serving a drain costs the sandbox itself,
 * so the benchmarks measure the client and not the simulator. The backlog of `npm run bench` (100,000
 * appointments over 400 departments) is read from `SandboxCore` directly (no HTTP), by batches of 20
 * departments in pages of 1000, and its CPU per record is set against `JSON.stringify` of the same
 * records, the least any server must spend to send them. One JSON line: `sandboxOverStringify` (median
 * of the rounds; goal: at most 3) and the raw figures. Absolute times are printed, never checked.
 */
import { changedPath, getFeed } from '../nodes/Athenahealth/feeds/catalog';
import { SandboxCore } from '../test/sandbox/core';
import type { RequestContext } from '../test/sandbox/protocol';
import { DEMO_CLIENT, PRACTICE_ID } from '../test/sandbox/seed';
import { collect, median } from './measure';

const appointments = getFeed('appointments');
const DEPARTMENTS = 400;
const RECORDS = 100_000;
const BATCH = 20;
const ROUNDS = 5;
const GOAL = 3;

function context(query: string): RequestContext {
	return {
		method: 'GET',
		url: new URL(`http://127.0.0.1/v1/${PRACTICE_ID}/${changedPath(appointments)}?${query}`),
		params: new URLSearchParams(query),
		authorization: undefined,
		clientId: DEMO_CLIENT.clientId,
		delay: async () => undefined,
		onAnswer: (release) => queueMicrotask(release),
		logDepartments: () => undefined,
	};
}

const cpuUs = (since: NodeJS.CpuUsage) => {
	const used = process.cpuUsage(since);
	return used.user + used.system;
};

/** One drain of a fresh backlog: the sandbox's CPU µs per record, and the page bodies it sent. */
async function sandboxRound(): Promise<{ us: number; bodies: string[] }> {
	const core = new SandboxCore({ departments: DEPARTMENTS });
	core.feeds.subscribe(context(''), appointments);
	core.inject({ feed: appointments.id, count: RECORDS });
	collect();
	const bodies: string[] = [];
	let drained = 0;
	const cpu = process.cpuUsage();
	for (let first = 1; first <= DEPARTMENTS; first += BATCH) {
		const departmentid = Array.from({ length: BATCH }, (_, index) => first + index).join(',');
		for (;;) {
			const reply = await core.feeds.read(context(`departmentid=${departmentid}`), appointments);
			bodies.push(reply.body);
			const count = (reply.body.match(/"appointmentid"/g) ?? []).length;
			drained += count;
			if (count < 1000) break;
		}
	}
	const us = cpuUs(cpu);
	if (drained !== RECORDS) throw new Error(`the sandbox served ${drained} records, not ${RECORDS}`);
	return { us: us / RECORDS, bodies };
}

/** JSON.stringify of the same pages (parsed beforehand, outside the timing): CPU µs per record. */
function stringifyRound(bodies: string[]): number {
	const pages = bodies.map((body) => JSON.parse(body) as unknown);
	collect();
	const cpu = process.cpuUsage();
	let bytes = 0;
	for (const page of pages) bytes += JSON.stringify(page).length;
	const us = cpuUs(cpu);
	if (bytes === 0) throw new Error('nothing stringified');
	return us / RECORDS;
}

async function main(): Promise<void> {
	const sandboxUs: number[] = [];
	const stringifyUs: number[] = [];
	const ratios: number[] = [];
	let bytes = 0;
	let pages = 0;
	// One warm-up round, not reported.
	for (let round = -1; round < ROUNDS; round++) {
		const { us, bodies } = await sandboxRound();
		const floor = stringifyRound(bodies);
		if (round < 0) continue;
		sandboxUs.push(us);
		stringifyUs.push(floor);
		ratios.push(us / floor);
		bytes = bodies.reduce((sum, body) => sum + body.length, 0);
		pages = bodies.length;
	}
	const sandboxOverStringify = Math.round(median(ratios) * 100) / 100;
	console.log(
		`sandbox: ${median(sandboxUs).toFixed(2)} us CPU a record serving ${RECORDS} records in ${pages} pages ` +
			`(${(bytes / 1e6).toFixed(1)} MB of JSON); JSON.stringify of the same pages: ${median(stringifyUs).toFixed(2)} us a record`,
	);
	console.log(
		JSON.stringify({
			sandboxOverStringify,
			goalMet: sandboxOverStringify <= GOAL,
			raw: {
				records: RECORDS,
				departments: DEPARTMENTS,
				pages,
				jsonBytes: bytes,
				sandboxUsPerRecord: sandboxUs,
				stringifyUsPerRecord: stringifyUs,
				ratios,
			},
		}),
	);
}

main().catch((error: unknown) => {
	console.error(error);
	process.exit(1);
});
