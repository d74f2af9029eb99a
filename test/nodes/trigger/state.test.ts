// The trigger's saved state across package versions: states saved by earlier versions (real
// fixtures, taken from n8n's database by the upgrade e2e suite) are read, migrated one version at
// a time, and never silently dropped.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import {
	loadState,
	migrateState,
	MIGRATIONS,
	STATE_VERSION,
} from '../../../nodes/Athenahealth/trigger/state';

const FIXTURES = join(__dirname, '..', '..', 'fixtures', 'trigger-state');

/** Each fixture is a trigger node's static data as n8n stored it: { drain: <saved state> }. */
const fixtures = readdirSync(FIXTURES)
	.filter((file) => file.endsWith('.json'))
	.map((file) => ({
		file,
		staticData: JSON.parse(readFileSync(join(FIXTURES, file), 'utf8')) as Record<string, any>,
	}));

/** What a poll needs from the saved state to resume without losing or repeating records. */
function resumePoint(state: Record<string, any>) {
	const {
		feed,
		windowStart,
		guardUntil,
		recent,
		owed,
		clockOffsetMs,
		anchorPending,
		subscription,
		lastDrainStart,
	} = state;
	return {
		feed,
		windowStart,
		guardUntil,
		recent,
		owed,
		clockOffsetMs,
		anchorPending,
		subscription,
		lastDrainStart,
	};
}

describe('saved trigger state from earlier versions', () => {
	test('there is a real fixture for every older shape, and a migration from each', () => {
		const versions = new Set(fixtures.map(({ staticData }) => staticData.drain.v as number));
		for (let v = 1; v < STATE_VERSION; v++) {
			expect({ v, fixture: versions.has(v), migration: typeof MIGRATIONS[v] }).toEqual({
				v,
				fixture: true,
				migration: 'function',
			});
		}
		expect(Math.max(...versions)).toBeLessThanOrEqual(STATE_VERSION);
	});

	test.each(fixtures.map((f) => [f.file, f.staticData] as const))(
		'%s is read without a reset, its resume point intact',
		(_file, staticData) => {
			const logs: string[] = [];
			const copy = structuredClone(staticData);
			const state = loadState(copy, staticData.drain.feed, (message) => logs.push(message));
			expect(state.v).toBe(STATE_VERSION);
			expect(resumePoint(state)).toEqual(resumePoint(staticData.drain));
			// Migrated states say so; a state of the current shape loads silently.
			expect(logs).toEqual(
				staticData.drain.v === STATE_VERSION
					? []
					: [expect.stringMatching(/^athenahealth Trigger: migrated its saved state/)],
			);
			// Loading does not write: the saved state changes only when a poll saves it.
			expect(copy).toEqual(staticData);
		},
	);

	test('a fixture of the current shape loads exactly as saved', () => {
		const current = fixtures.filter(({ staticData }) => staticData.drain.v === STATE_VERSION);
		for (const { staticData } of current)
			expect(loadState(staticData, staticData.drain.feed, () => {})).toEqual(staticData.drain);
	});
});

describe('migrateState', () => {
	const table = {
		1: (s: any) => ({ ...s, v: 2, cursor: s.windowStart }),
		2: ({ cursor, ...s }: any) => ({ ...s, v: 3, window: { start: cursor } }),
	};

	test('applies each step from the saved version to the target, in order', () => {
		expect(migrateState({ v: 1, feed: 'appointments', windowStart: 5 }, table, 3)).toEqual({
			from: 1,
			state: { v: 3, feed: 'appointments', windowStart: 5, window: { start: 5 } },
		});
		expect(migrateState({ v: 2, feed: 'appointments', cursor: 7 }, table, 3)).toEqual({
			from: 2,
			state: { v: 3, feed: 'appointments', window: { start: 7 } },
		});
		expect(migrateState({ v: 3, feed: 'appointments' }, table, 3)).toEqual({
			from: 3,
			state: { v: 3, feed: 'appointments' },
		});
	});

	test.each([
		['a missing step', { v: 1, feed: 'x' }, { 2: table[2] }, 3, 'no migration from v1'],
		[
			'a newer version (downgrade)',
			{ v: 4, feed: 'x' },
			table,
			3,
			'a newer version of the package saved it (v4; this one reads up to v3)',
		],
		['no version', { feed: 'x' }, table, 3, 'it carries no version'],
		['not an object', 'drain', table, 3, 'it is not an object'],
		['an array', [], table, 3, 'it is not an object'],
		[
			'a step that skips a version',
			{ v: 1 },
			{ 1: (s: any) => ({ ...s, v: 3 }) },
			3,
			'the migration from v1 produced v3',
		],
	])('refuses %s with a reason', (_what, saved, migrations, target, reason) => {
		expect(migrateState(saved, migrations, target)).toEqual({ reason });
	});
});

describe('loadState resets on purpose, with a log line naming why', () => {
	test.each([
		[
			'saved by a newer version',
			{ drain: { v: STATE_VERSION + 1, feed: 'appointments' } },
			/cannot be read \(a newer version of the package saved it/,
		],
		['not an object', { drain: 'corrupt' }, /cannot be read \(it is not an object\)/],
		[
			'a shape this version does not read',
			{ drain: { v: STATE_VERSION, feed: 'appointments', windowStart: 'soon' } },
			/has a shape this version does not read/,
		],
		[
			'of another feed',
			{ drain: { v: STATE_VERSION, feed: 'patients', windowStart: 1 } },
			/the feed changed from "patients" to "appointments"/,
		],
	])('%s', (_what, staticData, logged) => {
		const logs: string[] = [];
		expect(loadState(staticData, 'appointments', (message) => logs.push(message))).toEqual({
			v: STATE_VERSION,
			feed: 'appointments',
		});
		expect(logs).toEqual([expect.stringMatching(logged)]);
		expect(logs[0]).toMatch(/starting afresh/);
	});

	test('nothing saved yet is a fresh state, silently', () => {
		const logs: string[] = [];
		expect(loadState({}, 'appointments', (message) => logs.push(message))).toEqual({
			v: STATE_VERSION,
			feed: 'appointments',
		});
		expect(logs).toEqual([]);
	});
});
