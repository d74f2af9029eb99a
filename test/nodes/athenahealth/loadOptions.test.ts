import { allEvents, getFeed } from '../../../nodes/Athenahealth/feeds/catalog';
import { sandboxCredentials } from '../../harness/credentials';
import { SEED_CASES } from '../../sandbox';
import { node, options, useSandbox } from './helpers';

const ctx = useSandbox();

describe('load options', () => {
	test('departments: every department of the practice, named with its ID', async () => {
		const departments = await options(ctx, 'getDepartments');
		expect(departments).toHaveLength(12);
		expect(departments).toContainEqual({ name: 'Boston Clinic 1 (1)', value: '1' });
		expect(departments).toContainEqual({ name: 'Worcester Clinic 2 (2)', value: '2' });
		expect(departments.map((option) => option.name)).toEqual(
			[...departments.map((option) => option.name)].sort((a, b) => a.localeCompare(b)),
		);
	});

	test('providers: every provider, with the specialty as description', async () => {
		const providers = await options(ctx, 'getProviders');
		expect(providers).toHaveLength(21);
		expect(providers).toContainEqual({
			name: 'Okafor, Amara (1)',
			value: '1',
			description: 'Family Medicine',
		});
	});

	const closeParameters = (patientCaseId: string) => ({
		resource: 'patientCase',
		operation: 'close',
		patientId: '1',
		patientCaseId,
	});

	test("close reasons are athena's reasons for the chosen case ([{reason, reasonid}])", async () => {
		const base = [
			{ name: 'Resolved', value: '1' },
			{ name: 'Duplicate', value: '2' },
			{ name: 'Patient contacted', value: '3' },
			{ name: 'No action needed', value: '4' },
			{ name: 'Entered in error', value: '5' },
		];
		expect(
			await options(ctx, 'getCloseReasons', closeParameters(String(SEED_CASES.closed))),
		).toEqual(base);
		// A prescription case has its own reason too: the list depends on the case.
		expect(
			await options(ctx, 'getCloseReasons', closeParameters(String(SEED_CASES.byOtherClient))),
		).toEqual([...base, { name: 'Prescription sent to pharmacy', value: '6' }]);
		const asked = ctx.sandbox.stats().requests.filter((entry) => entry.route === 'closereasons');
		expect(asked.map((entry) => `${entry.path} ${entry.status}`)).toEqual(
			Array(2).fill('/v1/195900/reference/documents/patientcase/closereasons?patientcaseid 200'),
		);
	});

	test('close reasons wait for a case ID: nothing is asked before one is entered', async () => {
		expect(await options(ctx, 'getCloseReasons', closeParameters(''))).toEqual([]);
		expect(await options(ctx, 'getCloseReasons', closeParameters('abc'))).toEqual([]);
		expect(ctx.sandbox.stats().requests).toEqual([]);
	});

	test('the close reason picker reloads when the case ID changes', () => {
		const field = node.description.properties.find((property) => property.name === 'closeReasonId');
		expect(field?.typeOptions).toEqual({
			loadOptionsMethod: 'getCloseReasons',
			loadOptionsDependsOn: ['patientCaseId'],
		});
	});

	test.each(['claims', 'chart/healthhistory/problems', 'orders/signedoff'])(
		'events of %s come from athena',
		async (feed) => {
			const events = await options(ctx, 'getFeedEvents', {
				resource: 'subscription',
				operation: 'subscribe',
				feed,
				scope: 'one',
			});
			expect(events.map((option) => option.value)).toEqual(allEvents(getFeed(feed)));
			const asked = ctx.sandbox.stats().requests.filter((entry) => entry.route === 'subscription');
			expect(asked.map((entry) => `${entry.path} ${entry.status}`)).toEqual([
				// Claims' /events takes showadditionalevents: asked, so CreateClaim is listed.
				`/v1/195900/${feed === 'orders/signedoff' ? feed : `${feed}/changed`}/subscription/events${feed === 'claims' ? '?showadditionalevents' : ''} 200`,
			]);
		},
	);

	test('events fall back to the catalog when athena refuses, so the editor keeps working', async () => {
		ctx.credentials = sandboxCredentials(ctx.sandbox.url, { practiceId: '1' });
		const events = await options(ctx, 'getFeedEvents', {
			resource: 'subscription',
			operation: 'subscribe',
			feed: 'appointments',
			scope: 'one',
		});
		expect(events.map((option) => option.value)).toEqual(allEvents(getFeed('appointments')));
		expect(ctx.sandbox.stats().counters.subscription.byStatus).toEqual({ '404': 1 });
	});

	test('departments are not silently empty when athena refuses', async () => {
		ctx.credentials = sandboxCredentials(ctx.sandbox.url, { practiceId: '1' });
		await expect(options(ctx, 'getDepartments')).rejects.toThrow('The practice ID is not valid.');
	});
});
