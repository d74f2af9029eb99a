import type { IDataObject, INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { AthenahealthApi } from '../../credentials/AthenahealthApi.credentials';
import { Athenahealth } from '../../nodes/Athenahealth/Athenahealth.node';
import { AthenahealthTrigger } from '../../nodes/Athenahealth/AthenahealthTrigger.node';
import { NOT_SUBSCRIBED } from '../../nodes/Athenahealth/transport/errors';
import { InMemoryCredentialsHelper } from '../harness/credentials';
import { PolledWorkflow, executeNode, requestHelpers } from '../harness/n8n';
import { probeNode } from '../harness/probe';
import {
	eventNames,
	loadRecordings,
	recordedJson,
	targetOf,
	type Recording,
	type Target,
} from './recordings';
import { ReplayServer } from './replayServer';

/**
 * (b) athena's recorded answers, served verbatim from a tiny 127.0.0.1 server to the node or the
 * credential that makes that request, through n8n-core's real contexts. Each test checks what the
 * user sees: the items, the error message, the fields named. Which operation makes a request is
 * read from its method and path (`targetOf`), so new recordings need no code change; a request no
 * operation makes goes through the request layer itself (the probe node).
 */
const recordings = loadRecordings();
const tokenGrant = recordings.find((recording) => recording.id === 'token-grant')!;
const server = new ReplayServer();
const action = new Athenahealth();
const trigger = new AthenahealthTrigger();

beforeAll(async () => {
	await server.start();
});
afterAll(async () => {
	await server.close();
});
beforeEach(() => {
	server.reset();
	server.token = tokenGrant;
});

function credentialsFor(practiceId: string) {
	return new InMemoryCredentialsHelper({
		environment: 'custom',
		customBaseUrl: server.url,
		clientId: 'recorded-client',
		clientSecret: 'recorded-secret',
		practiceId,
		scope: 'athena/service/Athenanet.MDP.*',
	});
}

async function outcome(
	run: Promise<INodeExecutionData[][]>,
): Promise<{ items?: IDataObject[]; error?: Error & { description?: string | null } }> {
	try {
		return { items: (await run)[0].map((item) => item.json) };
	} catch (error) {
		return { error: error as Error & { description?: string | null } };
	}
}

function runAction(target: Exclude<Target, { kind: 'token' }>, parameters: INodeParameters) {
	return outcome(executeNode(action, parameters, credentialsFor(target.practiceId)));
}

/** What a user must see of a recorded error: athena's own words and any field it names. */
function expectRecordedError(
	error: (Error & { description?: string | null }) | undefined,
	recording: Recording,
) {
	expect(error).toBeDefined();
	const shown = `${error!.message} ${error!.description ?? ''}`;
	const answer = recordedJson(recording);
	if (typeof answer.error === 'string') expect(shown).toContain(answer.error);
	if (typeof answer.detailedmessage === 'string') expect(shown).toContain(answer.detailedmessage);
	for (const field of [...(answer.missingfields ?? []), ...(answer.invalidfields ?? [])])
		expect(shown).toContain(field);
}

function form(recording: Recording): IDataObject {
	return Object.fromEntries(new URLSearchParams(recording.request.form ?? ''));
}

async function check(recording: Recording): Promise<void> {
	const target = targetOf(recording);
	const answer = recordedJson(recording);
	const ok = recording.status < 300;
	switch (target.kind) {
		case 'token': {
			// The credential's own token request, as n8n runs it before the first call.
			const credentials = credentialsFor('195900');
			const fetched = await credentials
				.runPreAuthentication(requestHelpers(credentials), { ...credentials.data })
				.then(
					(data) => ({ data }),
					(error: Error) => ({ error }),
				);
			if (ok)
				expect(fetched).toEqual({
					data: expect.objectContaining({ accessToken: answer.access_token }),
				});
			else expectRecordedError((fetched as { error: Error }).error, recording);
			// The recorded request: the same form, whatever the percent-encoding.
			expect(server.seen.at(-1)!.method).toBe(recording.request.method);
			expect(Object.fromEntries(new URLSearchParams(server.seen.at(-1)!.body))).toEqual(
				form(recording),
			);
			return;
		}
		case 'subscription': {
			const feed = target.feed.id;
			if (recording.request.method === 'GET') {
				const { items, error } = await runAction(target, {
					resource: 'subscription',
					operation: 'getStatus',
					feed,
				});
				if (!ok) return expectRecordedError(error, recording);
				expect(items).toEqual([
					{
						feed,
						feedName: target.feed.name,
						status: answer.status,
						events: eventNames(answer),
						departmentIds: answer.departmentids ?? [],
					},
				]);
				return;
			}
			const operation = recording.request.method === 'POST' ? 'subscribe' : 'unsubscribe';
			const { items, error } = await runAction(target, {
				resource: 'subscription',
				operation,
				feed,
				scope: 'all',
			});
			if (!ok) return expectRecordedError(error, recording);
			expect(items).toEqual([expect.objectContaining({ success: true, feed, event: 'all' })]);
			// The node made the recorded request: same method, path and form.
			expect(server.apiRequests()).toEqual([
				expect.objectContaining({ method: recording.request.method, path: recording.request.path }),
			]);
			if (recording.request.form !== undefined)
				expect(Object.fromEntries(new URLSearchParams(server.apiRequests()[0].body))).toEqual(
					form(recording),
				);
			return;
		}
		case 'events': {
			const { items, error } = await runAction(target, {
				resource: 'subscription',
				operation: 'getEvents',
				feed: target.feed.id,
			});
			if (!ok) return expectRecordedError(error, recording);
			expect(items).toEqual([
				{ feed: target.feed.id, feedName: target.feed.name, events: eventNames(answer) },
			]);
			return;
		}
		case 'read': {
			const { items, error } = await runAction(target, {
				resource: 'changedData',
				operation: 'read',
				feed: target.feed.id,
				source: 'queue',
				drainUntilEmpty: false,
				limit: 50,
			});
			if (!ok) {
				expectRecordedError(error, recording);
				if (answer.error === NOT_SUBSCRIBED) expect(error!.description).toContain('Subscribe');
				return;
			}
			const records = (answer[target.feed.recordKey] ?? []) as IDataObject[];
			expect(items).toHaveLength(records.length);
			// A feed that takes no department filter is never sent one: athena would widen it.
			if (target.feed.departments.read === 'none')
				expect(server.apiRequests()[0].query).not.toContain('departmentid');
			return;
		}
		case 'other': {
			const call = {
				method: recording.request.method,
				path: target.relative,
				qs: Object.fromEntries(new URLSearchParams(recording.request.query ?? '')),
				body: recording.request.form === undefined ? undefined : form(recording),
			};
			const { items, error } = await outcome(
				executeNode(
					probeNode,
					{ calls: JSON.stringify([call]) },
					credentialsFor(target.practiceId),
				),
			);
			if (!ok) return expectRecordedError(error, recording);
			expect(items![0].body).toEqual(answer);
			return;
		}
	}
}

describe.each(recordings.map((recording) => [recording.id, recording] as const))(
	'%s',
	(_id, recording) => {
		test('served verbatim, it reaches the user as athena meant it', async () => {
			server.answer = recording;
			await check(recording);
		});
	},
);

describe('the not-subscribed 403 and other 403s in the trigger', () => {
	const notSubscribed = recordings.find(
		(recording) => recording.id === 'changed-before-subscribing',
	)!;
	const feed = targetOf(notSubscribed) as Extract<Target, { kind: 'read' }>;

	function triggerWorkflow(autoSubscribe: boolean) {
		return new PolledWorkflow(
			trigger,
			{
				feed: feed.feed.id,
				options: { minIntervalSeconds: 0, crashRecovery: false, autoSubscribe },
			},
			credentialsFor(feed.practiceId),
		);
	}

	test("athena's exact not-subscribed answer names the feed and the fix", async () => {
		server.answer = notSubscribed;
		// The activation poll logs what athena may yet recover from; the first scheduled poll reports it.
		const wf = triggerWorkflow(false);
		await wf.tick();
		const { error } = await wf.tick();
		expect(error?.message).toBe(
			`The Athenahealth feed "${feed.feed.name}" (${feed.feed.id}) is not subscribed for this API client`,
		);
	});

	test('any other 403 is a permission error: no subscribing, no waiting', async () => {
		server.answer = {
			...notSubscribed,
			body: '{"error":"You do not have access to this resource."}',
		};
		const wf = triggerWorkflow(true);
		await wf.tick();
		const { error } = await wf.tick();
		expect(error?.message).toBe('You do not have access to this resource.');
		expect((error as { description?: string }).description).toContain('not a missing subscription');
		expect(server.apiRequests().filter((request) => request.method === 'POST')).toEqual([]);
	});
});

test('a token refused by the app policy blames the scope, not the secret', async () => {
	server.token = {
		...tokenGrant,
		status: 401,
		headers: {},
		body: '{"detailedmessage":"Policy evaluation failed for this request, please check the policy configurations.","error":"access_denied"}',
	};
	const credentials = credentialsFor('195900');
	const error = await new AthenahealthApi()
		.preAuthentication!.call(requestHelpers(credentials), { ...credentials.data })
		.then(
			() => undefined,
			(thrown: Error) => thrown,
		);
	expect(error?.message).toContain('Scope');
	expect(error?.message).toContain('not a wrong secret');
	expect(error?.message).not.toContain('recorded-secret');
});
