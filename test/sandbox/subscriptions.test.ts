import {
	allEvents,
	changedPath,
	FEEDS,
	getFeed,
	subscriptionPath,
} from '../../nodes/Athenahealth/feeds/catalog';
import { MANY_TOKENS, useSandbox } from '../harness/sandbox';

const t = useSandbox(MANY_TOKENS);
const appointments = getFeed('appointments');
const eventNames = (body: { subscriptions: Array<{ eventname: string }> }) =>
	body.subscriptions.map((entry) => entry.eventname);

describe.each(FEEDS.map((feed) => [feed.id, feed] as const))('%s', (_id, feed) => {
	test('events, subscribe, status and unsubscribe at the catalog paths', async () => {
		const sub = subscriptionPath(feed);
		const events = await t.api.get(`${sub}/events`, { showadditionalevents: 'true' });
		expect(events.status).toBe(200);
		expect(eventNames(events.body)).toEqual(allEvents(feed));
		expect((await t.api.get(sub)).body).toEqual({ status: 'INACTIVE', subscriptions: [] });
		expect((await t.api.post(sub)).body).toEqual({ success: true });
		const active = await t.api.get(sub);
		expect(active.body).toEqual({
			status: 'ACTIVE',
			subscriptions: feed.events.map((eventname) => ({ eventname })),
			departmentids: [],
		});
		expect((await t.api.get(changedPath(feed))).status).toBe(200);
		expect((await t.api.delete(sub)).body).toEqual({ success: true });
		expect((await t.api.get(sub)).body.status).toBe('INACTIVE');
		expect((await t.api.get(changedPath(feed))).status).toBe(403);
	});
});

test('signed-off orders have no /changed segment', async () => {
	const signedOff = getFeed('orders/signedoff');
	expect(subscriptionPath(signedOff)).toBe('orders/signedoff/subscription');
	expect((await t.api.post('orders/signedoff/subscription')).status).toBe(200);
	expect((await t.api.get('orders/signedoff')).status).toBe(200);
	expect((await t.api.get('orders/signedoff/changed')).status).toBe(404);
	expect((await t.api.post('orders/signedoff/changed/subscription')).status).toBe(404);
});

describe('optional events', () => {
	const optional = FEEDS.flatMap((feed) =>
		(feed.optionalEvents ?? []).map((entry) => [feed.id, entry.event, entry.flag, feed] as const),
	);

	test('appointments have two (reminder call, suggested overbooking), claims one (create claim)', () => {
		expect(optional.map(([id, event, flag]) => [id, event, flag])).toEqual([
			['appointments', 'UpdateReminderCall', 'includeremindercall'],
			['appointments', 'UpdateSuggestedOverbooking', 'includesuggestedoverbooking'],
			['claims', 'CreateClaim', 'showadditionalevents'],
		]);
	});

	test('/events lists both appointment optional events unasked; claims list CreateClaim only with showadditionalevents', async () => {
		expect(eventNames((await t.api.get(`${subscriptionPath(appointments)}/events`)).body)).toEqual(
			allEvents(appointments),
		);
		const claims = subscriptionPath(getFeed('claims'));
		expect(eventNames((await t.api.get(`${claims}/events`)).body)).toEqual(['UpdateClaim']);
		expect(
			eventNames((await t.api.get(`${claims}/events`, { showadditionalevents: 'true' })).body),
		).toEqual(['UpdateClaim', 'CreateClaim']);
	});

	test.each(optional)(
		'%s: only a subscription with the flag of %s includes it',
		async (_id, event, flag, feed) => {
			const sub = subscriptionPath(feed);
			await t.api.post(sub);
			expect(eventNames((await t.api.get(sub)).body)).not.toContain(event);
			await t.api.post(sub, { [flag]: 'true' });
			const status = await t.api.get(sub);
			expect(status.body.status).toBe('ACTIVE');
			expect(eventNames(status.body)).toEqual([...feed.events, event]);
			// Once the flag belongs to the subscription, dropping the optional event leaves it partial.
			await t.api.delete(sub, { eventname: event });
			expect((await t.api.get(sub)).body.status).toBe('PARTIAL');
		},
	);
});

describe('single events', () => {
	test('one event is PARTIAL, every event one by one is ACTIVE', async () => {
		const sub = subscriptionPath(appointments);
		await t.api.post(sub, { eventname: 'CheckIn' });
		expect((await t.api.get(sub)).body).toEqual({
			status: 'PARTIAL',
			subscriptions: [{ eventname: 'CheckIn' }],
			departmentids: [],
		});
		for (const event of appointments.events) await t.api.post(sub, { eventname: event });
		expect((await t.api.get(sub)).body.status).toBe('ACTIVE');
	});

	test('an unknown event is refused', async () => {
		const response = await t.api.post(subscriptionPath(appointments), { eventname: 'checkin' });
		expect(response.status).toBe(400);
		expect(response.body).toEqual({
			error: 'The data provided is invalid.',
			detailedmessage: "The value 'checkin' did not match any of the enum values for EVENTNAME",
		});
		expect((await t.api.delete(subscriptionPath(appointments), { eventname: 'Nope' })).status).toBe(
			400,
		);
	});

	test('DELETE reads eventname from the query or from a form body', async () => {
		const sub = subscriptionPath(appointments);
		await t.api.post(sub);
		await t.api.delete(sub, { eventname: 'CheckIn' });
		const form = await fetch(`${t.sandbox.url}/v1/195900/${sub}`, {
			method: 'DELETE',
			headers: {
				authorization: `Bearer ${t.api.token}`,
				'content-type': 'application/x-www-form-urlencoded',
			},
			body: 'eventname=CheckOut',
		});
		expect(form.status).toBe(200);
		const status = await t.api.get(sub);
		expect(status.body.status).toBe('PARTIAL');
		expect(eventNames(status.body)).toEqual(
			appointments.events.filter((event) => event !== 'CheckIn' && event !== 'CheckOut'),
		);
	});

	test('only the subscribed events reach the queue', async () => {
		await t.api.post(subscriptionPath(appointments), { eventname: 'CheckIn' });
		t.sandbox.inject({ feed: 'appointments', count: 2, event: 'CheckOut' });
		t.sandbox.inject({ feed: 'appointments', count: 3, event: 'CheckIn' });
		expect((await t.api.get(changedPath(appointments))).body.totalcount).toBe(3);
	});
});

describe('department scope', () => {
	test('departmentids scopes the subscription; every call sets the whole list', async () => {
		const sub = subscriptionPath(appointments);
		await t.api.post(sub, { departmentids: '1,2' });
		expect((await t.api.get(sub)).body).toMatchObject({ status: 'ACTIVE', departmentids: [1, 2] });
		t.sandbox.inject({ feed: 'appointments', count: 12 });
		const queued = t.sandbox.state.queue('sandbox-client', appointments.id);
		expect(queued.map((message) => message.departmentId)).toEqual(['1', '2']);
		await t.api.post(sub);
		expect((await t.api.get(sub)).body.departmentids).toEqual([]);
		t.sandbox.inject({ feed: 'appointments', count: 12 });
		expect(t.sandbox.state.queue('sandbox-client', appointments.id)).toHaveLength(14);
	});

	test('a feed that takes no departmentids ignores them: the whole practice is subscribed', async () => {
		const providers = subscriptionPath(getFeed('providers'));
		await t.api.post(providers, { departmentids: '1' });
		expect((await t.api.get(providers)).body.departmentids).toEqual([]);
	});

	test('an unknown department is refused', async () => {
		const response = await t.api.post(subscriptionPath(appointments), { departmentids: '1,99' });
		expect(response.status).toBe(400);
		expect(response.body.detailedmessage).toBe("The value '99' is not a valid DEPARTMENTIDS.");
	});
});

describe('per API key', () => {
	test("one client's subscription is not another's", async () => {
		await t.api.post(subscriptionPath(appointments));
		expect((await t.other.get(subscriptionPath(appointments))).body.status).toBe('INACTIVE');
		const refused = await t.other.get(changedPath(appointments));
		expect(refused.status).toBe(403);
		expect(refused.body).toEqual({
			error: 'Changed messages require setup (subscription) that has not been done.',
		});
	});

	test('a subscription with no read for 7 days is removed (seed)', async () => {
		const sub = subscriptionPath(appointments);
		await t.api.post(sub);
		t.sandbox.clock.advance(6 * 24 * 3600 * 1000);
		await t.api.login();
		expect((await t.api.get(changedPath(appointments))).status).toBe(200);
		t.sandbox.clock.advance(7 * 24 * 3600 * 1000 - 1);
		await t.api.login();
		expect((await t.api.get(sub)).body.status).toBe('ACTIVE');
		t.sandbox.clock.advance(1);
		expect((await t.api.get(sub)).body.status).toBe('INACTIVE');
	});
});
