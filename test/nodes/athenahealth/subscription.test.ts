import { NodeApiError } from 'n8n-workflow';

import { allEvents, getFeed } from '../../../nodes/Athenahealth/feeds/catalog';
import { departmentScopeProblem } from '../../../nodes/Athenahealth/common/feedFields';
import { DEMO_CLIENT } from '../../sandbox';
import { failure, node, run, useSandbox } from './helpers';

const ctx = useSandbox();
const CLIENT = DEMO_CLIENT.clientId;

const subscription = (operation: string, extra: Record<string, unknown> = {}) =>
	run(ctx, { resource: 'subscription', operation, ...extra });

describe('Subscription', () => {
	test("get available events lists athena's event names for the feed", async () => {
		const [item] = await subscription('getEvents', { feed: 'appointments' });
		expect(item).toEqual({
			json: {
				feed: 'appointments',
				feedName: 'Appointments',
				events: allEvents(getFeed('appointments')),
			},
			pairedItem: { item: 0 },
		});
		expect(ctx.sandbox.stats().requests.at(-1)!.path).toBe(
			'/v1/195900/appointments/changed/subscription/events',
		);
	});

	test('status is INACTIVE, then ACTIVE with the events and departments subscribed', async () => {
		const [before] = await subscription('getStatus', { feed: 'documents/patientcase' });
		expect(before.json).toEqual({
			feed: 'documents/patientcase',
			feedName: 'Patient Cases',
			status: 'INACTIVE',
			events: [],
			departmentIds: [],
		});

		const [subscribed] = await subscription('subscribe', {
			feed: 'chart/healthhistory/problems',
			scope: 'all',
			departmentIds: ['2', '5'],
		});
		expect(subscribed.json).toEqual({
			success: true,
			feed: 'chart/healthhistory/problems',
			event: 'all',
			departmentIds: [2, 5],
		});
		expect(ctx.sandbox.state.subscription(CLIENT, 'chart/healthhistory/problems')).toMatchObject({
			status: 'ACTIVE',
			departmentIds: ['2', '5'],
		});

		const [after] = await subscription('getStatus', { feed: 'chart/healthhistory/problems' });
		expect(after.json).toEqual({
			feed: 'chart/healthhistory/problems',
			feedName: 'Problems (Health History)',
			status: 'ACTIVE',
			events: getFeed('chart/healthhistory/problems').events,
			departmentIds: [2, 5],
		});
	});

	test.each(['documents/patientcase', 'providers', 'claims'])(
		'%s takes no departmentids: the field is hidden, and a department list is refused before any request',
		async (feed) => {
			const field = node.description.properties.find(
				(property) =>
					property.name === 'departmentIds' &&
					property.displayOptions?.show?.operation?.includes('subscribe'),
			)!;
			expect(field.displayOptions?.show?.feed).not.toContain(feed);
			expect(field.displayOptions?.show?.feed).toContain('appointments');
			// n8n drops a hidden field's value; a list that still reaches the node is refused, naming the field.
			expect(departmentScopeProblem(getFeed(feed), [2], 'subscribe')).toMatch(
				/^must be empty for the feed .*subscribe the whole practice$/,
			);
			expect(departmentScopeProblem(getFeed(feed), [], 'subscribe')).toBeUndefined();
		},
	);

	test('one event makes a PARTIAL subscription; unsubscribing it and then all empties it', async () => {
		await subscription('subscribe', { feed: 'patients', scope: 'one', eventName: 'AddPatient' });
		await subscription('subscribe', { feed: 'patients', scope: 'one', eventName: 'MergePatient' });
		const [partial] = await subscription('getStatus', { feed: 'patients' });
		expect(partial.json).toMatchObject({
			status: 'PARTIAL',
			events: ['AddPatient', 'MergePatient'],
		});

		const [removed] = await subscription('unsubscribe', {
			feed: 'patients',
			scope: 'one',
			eventName: 'AddPatient',
		});
		expect(removed.json).toEqual({ success: true, feed: 'patients', event: 'AddPatient' });
		expect(ctx.sandbox.state.subscription(CLIENT, 'patients').events).toEqual(['MergePatient']);

		await subscription('unsubscribe', { feed: 'patients', scope: 'all' });
		expect(ctx.sandbox.state.subscription(CLIENT, 'patients').status).toBe('INACTIVE');
	});

	test.each([
		['appointments', 'UpdateReminderCall', 'includeremindercall', 'includeOptionalEvent'],
		[
			'appointments',
			'UpdateSuggestedOverbooking',
			'includesuggestedoverbooking',
			'includesuggestedoverbooking',
		],
		['claims', 'CreateClaim', 'showadditionalevents', 'includeOptionalEvent'],
	])(
		'%s: the optional event %s is included only when asked (%s)',
		async (feed, optional, flag, field) => {
			const [without] = await subscription('subscribe', { feed, scope: 'all' });
			expect(without.json).toMatchObject({ [flag]: false });
			expect(ctx.sandbox.state.subscription(CLIENT, feed).events).not.toContain(optional);

			const [withIt] = await subscription('subscribe', { feed, scope: 'all', [field]: true });
			expect(withIt.json).toMatchObject({ [flag]: true });
			expect(ctx.sandbox.state.subscription(CLIENT, feed)).toMatchObject({
				status: 'ACTIVE',
				events: [...getFeed(feed).events, optional],
			});
			// The status asked with the same flag counts it; unsubscribing everything removes it too.
			const [status] = await subscription('getStatus', { feed, [field]: true });
			expect(status.json).toMatchObject({
				status: 'ACTIVE',
				events: [...getFeed(feed).events, optional],
			});
			expect(ctx.sandbox.stats().requests.at(-1)!.path).toContain(flag);
			await subscription('unsubscribe', { feed, scope: 'all' });
			expect(ctx.sandbox.stats().requests.at(-1)!.path).toContain(flag);
			expect(ctx.sandbox.state.subscription(CLIENT, feed).status).toBe('INACTIVE');
		},
	);

	test('signed-off orders use their own path', async () => {
		await subscription('subscribe', { feed: 'orders/signedoff', scope: 'all' });
		expect(ctx.sandbox.stats().requests.at(-1)!.path).toBe(
			'/v1/195900/orders/signedoff/subscription',
		);
		expect(ctx.sandbox.state.subscription(CLIENT, 'orders/signedoff').status).toBe('ACTIVE');
	});

	test("on a feed whose events are unconfirmed, athena's /events list decides", async () => {
		// An event athena offers, though the catalog lacks it, is subscribed.
		ctx.sandbox.offerEvents('imagingresults', ['ImagingResultUpdate']);
		const [offered] = await subscription('subscribe', {
			feed: 'imagingresults',
			scope: 'one',
			eventName: 'ImagingResultUpdate',
		});
		expect(offered.json).toMatchObject({ success: true, event: 'ImagingResultUpdate' });
		expect(ctx.sandbox.state.subscription(CLIENT, 'imagingresults').events).toEqual([
			'ImagingResultUpdate',
		]);
		// One athena does not offer is refused by the node, naming the field, before the POST.
		const posts = () =>
			ctx.sandbox
				.stats()
				.requests.filter((entry) => entry.method === 'POST' && entry.route === 'subscription')
				.length;
		const before = posts();
		const error = await failure(
			subscription('subscribe', {
				feed: 'imagingresults',
				scope: 'one',
				eventName: 'ScheduleAppointment',
			}),
		);
		expect(error).not.toBeInstanceOf(NodeApiError);
		expect(error.message).toMatch(/^Event Name or ID must be one of the feed's events/);
		expect(posts()).toBe(before);
	});

	test('a department athena does not know is refused by athena', async () => {
		const error = await failure(
			subscription('subscribe', { feed: 'patients', scope: 'all', departmentIds: ['1', '404'] }),
		);
		expect(error.description).toBe("The value '404' is not a valid DEPARTMENTIDS.");
		expect(ctx.sandbox.state.subscription(CLIENT, 'patients').status).toBe('INACTIVE');
	});
});
