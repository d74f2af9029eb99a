import { NodeApiError } from 'n8n-workflow';

import { allEvents, getFeed } from '../../../nodes/Athenahealth/feeds/catalog';
import { DEMO_CLIENT } from '../../sandbox';
import { failure, run, useSandbox } from './helpers';

const ctx = useSandbox();
const CLIENT = DEMO_CLIENT.clientId;

const subscription = (operation: string, extra: Record<string, unknown> = {}) =>
	run(ctx, { resource: 'subscription', operation, ...extra });

describe('Subscription', () => {
	test('get available events lists athena\'s event names for the feed', async () => {
		const [item] = await subscription('getEvents', { feed: 'appointments' });
		expect(item).toEqual({
			json: { feed: 'appointments', feedName: 'Appointments', events: allEvents(getFeed('appointments')) },
			pairedItem: { item: 0 },
		});
		expect(ctx.sandbox.stats().requests.at(-1)!.path).toBe('/v1/195900/appointments/changed/subscription/events');
	});

	test('status is INACTIVE, then ACTIVE with the events and departments subscribed', async () => {
		const [before] = await subscription('getStatus', { feed: 'documents/patientcase' });
		expect(before.json).toEqual({ feed: 'documents/patientcase', feedName: 'Patient Cases', status: 'INACTIVE', events: [], departmentIds: [] });

		const [subscribed] = await subscription('subscribe', { feed: 'documents/patientcase', scope: 'all', departmentIds: ['2', '5'] });
		expect(subscribed.json).toEqual({ success: true, feed: 'documents/patientcase', event: 'all', departmentIds: [2, 5] });
		expect(ctx.sandbox.state.subscription(CLIENT, 'documents/patientcase')).toMatchObject({ status: 'ACTIVE', departmentIds: ['2', '5'] });

		const [after] = await subscription('getStatus', { feed: 'documents/patientcase' });
		expect(after.json).toEqual({
			feed: 'documents/patientcase',
			feedName: 'Patient Cases',
			status: 'ACTIVE',
			events: getFeed('documents/patientcase').events,
			departmentIds: [2, 5],
		});
	});

	test('one event makes a PARTIAL subscription; unsubscribing it and then all empties it', async () => {
		await subscription('subscribe', { feed: 'patients', scope: 'one', eventName: 'AddPatient' });
		await subscription('subscribe', { feed: 'patients', scope: 'one', eventName: 'MergePatient' });
		const [partial] = await subscription('getStatus', { feed: 'patients' });
		expect(partial.json).toMatchObject({ status: 'PARTIAL', events: ['AddPatient', 'MergePatient'] });

		const [removed] = await subscription('unsubscribe', { feed: 'patients', scope: 'one', eventName: 'AddPatient' });
		expect(removed.json).toEqual({ success: true, feed: 'patients', event: 'AddPatient' });
		expect(ctx.sandbox.state.subscription(CLIENT, 'patients').events).toEqual(['MergePatient']);

		await subscription('unsubscribe', { feed: 'patients', scope: 'all' });
		expect(ctx.sandbox.state.subscription(CLIENT, 'patients').status).toBe('INACTIVE');
	});

	test.each([
		['appointments', 'UpdateReminderCall', 'includeremindercall'],
		['claims', 'CreateClaim', 'showadditionalevents'],
	])('%s: the optional event %s is included only when asked (%s)', async (feed, optional, flag) => {
		const [without] = await subscription('subscribe', { feed, scope: 'all' });
		expect(without.json).toMatchObject({ [flag]: false });
		expect(ctx.sandbox.state.subscription(CLIENT, feed).events).not.toContain(optional);

		const [withIt] = await subscription('subscribe', { feed, scope: 'all', includeOptionalEvent: true });
		expect(withIt.json).toMatchObject({ [flag]: true });
		expect(ctx.sandbox.state.subscription(CLIENT, feed)).toMatchObject({ status: 'ACTIVE', events: allEvents(getFeed(feed)) });
	});

	test('signed-off orders use their own path', async () => {
		await subscription('subscribe', { feed: 'orders/signedoff', scope: 'all' });
		expect(ctx.sandbox.stats().requests.at(-1)!.path).toBe('/v1/195900/orders/signedoff/subscription');
		expect(ctx.sandbox.state.subscription(CLIENT, 'orders/signedoff').status).toBe('ACTIVE');
	});

	test('on a feed whose events are unconfirmed, athena decides: an unknown event is its enum refusal', async () => {
		const error = await failure(subscription('subscribe', { feed: 'imagingresults', scope: 'one', eventName: 'ScheduleAppointment' }));
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.httpCode).toBe('400');
		expect(error.description).toBe("The value 'ScheduleAppointment' did not match any of the enum values for EVENTNAME");
	});

	test('a department athena does not know is refused by athena', async () => {
		const error = await failure(subscription('subscribe', { feed: 'patients', scope: 'all', departmentIds: ['1', '404'] }));
		expect(error.description).toBe("The value '404' is not a valid DEPARTMENTIDS.");
		expect(ctx.sandbox.state.subscription(CLIENT, 'patients').status).toBe('INACTIVE');
	});
});
