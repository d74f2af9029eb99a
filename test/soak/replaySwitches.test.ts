import { CI, runSoak, summary, type SoakReport } from './scenario';

/**
 * The CI-sized soak again with each of athena's unknown replay behaviours switched on in the
 * sandbox: a replay window that also returns records still queued, and one that ignores offset.
 * The trigger's promise holds either way: none lost, none twice, never two reads at once.
 */
describe.each([
	['a replay window that also returns queued records', { includesQueued: true }],
	['a replay that ignores offset', { ignoresOffset: true }],
])('soak (CI size) with %s', (_name, replay) => {
	let report: SoakReport;

	beforeAll(async () => {
		report = await runSoak({ ...CI, replay });
	}, 90_000);

	test('the same load: crashes and faults', () => {
		expect(report.crashes).toBeGreaterThanOrEqual(3);
		expect(report.faults).toBeGreaterThanOrEqual(50);
		expect(report.details.drain.harnessErrors).toEqual([]);
	});

	test('none lost, none twice, never two /changed calls at once for one department', () => {
		const detail = report.lost || report.duplicated ? summary(report).join('\n') : '';
		expect({
			lost: report.lost,
			duplicated: report.duplicated,
			concurrent: report.concurrentViolations,
			detail,
		}).toEqual({
			lost: 0,
			duplicated: 0,
			concurrent: 0,
			detail: '',
		});
		expect(report.details.drain.feeds.map((feed) => feed.stillQueued)).toEqual(
			report.details.drain.feeds.map(() => 0),
		);
	});
});
