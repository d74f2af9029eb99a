import { CI, runSoak, summary, type SoakReport } from './scenario';

/**
 * The CI-sized soak (about 1,000 records): the same scenarios as `npm run soak`, asserted. One run
 * is shared by the tests below, so each promise fails on its own with the numbers behind it.
 */

let report: SoakReport;

beforeAll(async () => {
	report = await runSoak(CI);
}, 90_000);

const detail = () => summary(report).join('\n');

describe('soak (CI size): the trigger under faults, crashes and overlapping polls', () => {
	test('drives the promised load: about 1,000 records, 50 faults, 3 crashes, overlaps and token expiry', () => {
		expect(report.records).toBeGreaterThanOrEqual(1000);
		expect(report.faults).toBeGreaterThanOrEqual(50);
		expect(report.crashes).toBeGreaterThanOrEqual(3);
		const { drain } = report.details;
		expect(drain.overlaps).toBeGreaterThan(0);
		expect(drain.tokenExpiries).toBeGreaterThan(0);
		expect(drain.injectedWhilePolling).toBeGreaterThan(0);
		expect(drain.harnessErrors).toEqual([]);
		const kinds = [
			'http429',
			'http429RetryAfter',
			'http500',
			'http503',
			'drop',
			'dropAfterProcessing',
			'spike',
			'expiredToken',
		];
		expect(kinds.filter((kind) => !(report.faultsByKind[kind] > 0))).toEqual([]);
	});

	test('no record is lost', () => {
		expect({
			lost: report.lost,
			stillQueued: report.details.drain.feeds.map((feed) => feed.stillQueued),
			detail: report.lost ? detail() : '',
		}).toEqual({
			lost: 0,
			stillQueued: report.details.drain.feeds.map(() => 0),
			detail: '',
		});
	});

	test('no record is emitted twice, and none that was never injected', () => {
		expect({
			duplicated: report.duplicated,
			foreign: report.details.drain.foreign,
			detail: report.duplicated ? detail() : '',
		}).toEqual({
			duplicated: 0,
			foreign: 0,
			detail: '',
		});
	});

	test('never two /changed calls in flight for one department, even with overlapping polls', () => {
		expect(report.concurrentViolations).toBe(0);
		expect(report.details.sandbox.limitOverMax).toBe(0);
	});
});

describe('soak (CI size): malformed input', () => {
	test('every malformed input to every operation of both nodes, and to the credential, is refused with an error naming the field', () => {
		expect(report.badInputs).toBeGreaterThanOrEqual(40);
		expect(report.details.badInputs.failures).toEqual([]);
		expect(report.badInputsRefused).toBe(report.badInputs);
		// Every operation of both nodes is in the table.
		const operations = Object.keys(report.details.badInputs.byOperation);
		for (const operation of [
			'patientCase.create',
			'patientCase.update',
			'patientCase.get',
			'patientCase.getMany',
			'patientCase.close',
			'patientCase.reopen',
			'patientCase.assign',
			'patientCase.addActionNote',
			'patientCase.getActionNotes',
			'subscription.getEvents',
			'subscription.getStatus',
			'subscription.subscribe',
			'subscription.unsubscribe',
			'changedData.read',
			'trigger (scheduled poll)',
			'trigger (Fetch Test Event)',
		]) {
			expect(operations).toContain(operation);
		}
	});

	test('no request reaches athena (or anywhere) for them', () => {
		expect(report.requestsOnBadInput).toBe(0);
	});
});

describe('soak (CI size): leaks', () => {
	test('no client secret, bearer token, patient name or case note in errors, logs or output metadata', () => {
		const { scanned, leaks } = report.details;
		expect(scanned.secrets.clientSecret).toBe(1);
		expect(scanned.secrets.bearerToken).toBeGreaterThan(1);
		expect(scanned.secrets.patientText).toBeGreaterThan(0);
		expect(scanned.secrets.note).toBeGreaterThan(0);
		expect(scanned.errors).toBeGreaterThan(0);
		expect(scanned.loggerLevel).toBe('debug');
		expect(scanned.scannerWorks).toBe(true);
		expect(leaks).toEqual([]);
	});
});
