// athena's own answers, served verbatim from a tiny local server to the node through n8n-core's
// real contexts: the recorded patient-case answers, and answers the spec describes (success false,
// missing fields) or that a lost connection produces (a retried close athena already did).
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';

import { NodeApiError } from 'n8n-workflow';

import { sandboxCredentials } from '../../harness/credentials';
import { VALID } from '../../harness/parameters';
import { everythingShown, failure, node } from './helpers';
import { executeNode } from '../../harness/n8n';

interface Recording {
	id: string;
	request: { method: string; path: string; form?: string };
	status: number;
	body: string;
}

/** The shared recordings file, found in a parent folder of the repository when present. */
function recordingsFile(): string | undefined {
	for (let dir = __dirname; dirname(dir) !== dir; dir = dirname(dir)) {
		const candidate = join(dir, 'shared', 'athena-recorded', 'recordings.json');
		if (existsSync(candidate)) return candidate;
	}
	return undefined;
}
const FALLBACK: Recording[] = [
	{
		id: 'create-patient-case',
		request: {
			method: 'POST',
			path: '/v1/195900/patients/2/documents/patientcase',
			form: 'documentsource=PATIENT&documentsubclass=PATIENTCASE&outboundonly=true&providerid=71&departmentid=1',
		},
		status: 200,
		body: '{"success":true,"patientcaseid":173696}',
	},
	{
		id: 'create-patient-case-lowercase-source',
		request: {
			method: 'POST',
			path: '/v1/195900/patients/2/documents/patientcase',
			form: 'documentsource=patient&documentsubclass=PATIENTCASE&outboundonly=true&providerid=71&departmentid=1',
		},
		status: 400,
		body: '\n\n{"detailedmessage":"The value \'patient\' did not match any of the enum values for SOURCE","error":"The data provided is invalid."}',
	},
];

function recording(id: string): Recording {
	// Where the shared file is absent, the two recordings above, copied verbatim, stand in.
	const file = recordingsFile();
	const all = file ? (JSON.parse(readFileSync(file, 'utf8')) as Recording[]) : FALLBACK;
	const found = all.find((entry) => entry.id === id) ?? FALLBACK.find((entry) => entry.id === id);
	if (!found) throw new Error(`no recording ${id}`);
	return found;
}

interface Seen {
	method: string;
	path: string;
	body: string;
}

type Answer = (request: Seen, response: ServerResponse) => void;

/** Answers each request with the next scripted answer; the last one repeats. */
async function scriptedServer(
	answers: Answer[],
): Promise<{ url: string; seen: Seen[]; close(): Promise<void> }> {
	const seen: Seen[] = [];
	const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
		const chunks: Buffer[] = [];
		req.on('data', (chunk: Buffer) => chunks.push(chunk));
		req.on('end', () => {
			const request = {
				method: req.method ?? '',
				path: req.url ?? '',
				body: Buffer.concat(chunks).toString('utf8'),
			};
			seen.push(request);
			const answer = answers[Math.min(seen.length - 1, answers.length - 1)];
			answer(request, res);
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	return {
		url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
		seen,
		close: () =>
			new Promise<void>((resolve) => {
				server.closeAllConnections();
				server.close(() => resolve());
			}),
	};
}

const verbatim =
	(status: number, body: string): Answer =>
	(_request, res) => {
		res.writeHead(status, { 'content-type': 'application/json' });
		res.end(body);
	};

const served = (entry: Recording) => verbatim(entry.status, entry.body);

/** The connection drops after athena did the work: the client never learns the answer. */
const dropped: Answer = (_request, res) => res.socket?.destroy();

let server: Awaited<ReturnType<typeof scriptedServer>> | undefined;
afterEach(async () => {
	await server?.close();
	server = undefined;
});

async function runAgainst(answers: Answer[], parameters: Record<string, unknown>) {
	server = await scriptedServer(answers);
	// A token is already held, so the only requests are the node's own.
	const credentials = sandboxCredentials(server.url, { accessToken: 'recorded-token' });
	const [output] = await executeNode(node, parameters as never, credentials);
	return output;
}

/** The recording's request, as the node's parameters. */
const recordedCreate = {
	...VALID.create,
	patientId: '2',
	departmentId: '1',
	providerId: '71',
	documentSource: 'PATIENT',
	documentSubclass: 'PATIENTCASE',
	additionalFields: { outboundOnly: true },
};

describe('recorded patient-case answers, served verbatim', () => {
	test('create-patient-case: one item with the new case id as a number', async () => {
		const entry = recording('create-patient-case');
		const output = await runAgainst([served(entry)], recordedCreate);
		expect(output).toEqual([
			{ json: { success: true, patientid: 2, patientcaseid: 173696 }, pairedItem: { item: 0 } },
		]);
		// The node sent the recorded request: same method, path and form fields.
		const [sent] = server!.seen;
		expect([sent.method, sent.path]).toEqual([entry.request.method, entry.request.path]);
		expect(Object.fromEntries(new URLSearchParams(sent.body))).toEqual(
			Object.fromEntries(new URLSearchParams(entry.request.form)),
		);
	});

	test("create-patient-case-lowercase-source: athena's message, its detailedmessage and the Source field, despite the leading blank lines", async () => {
		const entry = recording('create-patient-case-lowercase-source');
		expect(entry.body.startsWith('\n\n')).toBe(true);
		// The node never sends `patient` (it checks the list first), so the recorded refusal answers a valid request.
		const error = await failure(runAgainst([served(entry)], recordedCreate));
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.httpCode).toBe('400');
		expect(error.message).toBe('The data provided is invalid.');
		expect(error.description).toBe(
			"The value 'patient' did not match any of the enum values for SOURCE Field: Source.",
		);
		expect(error.context.itemIndex).toBe(0);
		expect(everythingShown(error)).not.toContain('recorded-token');
	});
});

describe("athena's other error shapes", () => {
	test("missing fields (no detailedmessage): the error names them, athena's and the node's", async () => {
		const error = await failure(
			runAgainst(
				[
					verbatim(
						400,
						'{"missingfields":["providerid","documentsubclass"],"error":"Additional fields are required."}',
					),
				],
				recordedCreate,
			),
		);
		expect(error.message).toBe('Additional fields are required.');
		expect(error.description).toBe(
			'athena needs these fields: providerid, documentsubclass Fields: Provider ID, Document Subclass.',
		);
	});

	test('invalid fields on an update name them too', async () => {
		const error = await failure(
			runAgainst(
				[
					verbatim(
						400,
						'\n\n{"invalidfields":["callbacknumbertype"],"error":"The data provided is invalid."}',
					),
					verbatim(200, '[]'),
				],
				{
					...VALID.update,
					updateFields: { callbackNumberType: 'work' },
				},
			),
		);
		expect(error.message).toBe('The data provided is invalid.');
		expect(error.description).toContain('athena refused these fields: callbacknumbertype');
		expect(error.description).toContain('Field: Callback Number Type.');
	});

	test.each([
		[
			'create',
			recordedCreate,
			'{"success":false,"errormessage":"The provider is not in this department."}',
			'The provider is not in this department.',
		],
		[
			'update',
			VALID.update,
			'{"success":"false","errormessage":"The case could not be saved."}',
			'The case could not be saved.',
		],
		[
			'close',
			VALID.close,
			'{"success":false,"error":"The close reason does not apply."}',
			'The close reason does not apply.',
		],
		[
			'an action note',
			VALID.addActionNote,
			'{"success":false,"errormessage":"Notes are locked."}',
			'Notes are locked.',
		],
	])(
		"success false inside a 200 (%s) is a clear error with athena's reason",
		async (_what, parameters, body, reason) => {
			const error = await failure(runAgainst([verbatim(200, body)], parameters));
			expect(error).toBeInstanceOf(NodeApiError);
			expect(error.message).toBe('athena did not make the change (it answered success: false)');
			expect(error.description).toBe(reason);
		},
	);

	test('a plain 400 on an update is never relabelled, even when the case is open', async () => {
		const openCase = JSON.stringify([
			{ patientcaseid: '173696', status: 'REVIEW', createduser: 'API-15476' },
		]);
		const error = await failure(
			runAgainst(
				[
					verbatim(
						400,
						'{"error":"The data provided is invalid.","detailedmessage":"The value \'99\' is not a valid PROVIDERID."}',
					),
					verbatim(200, openCase),
				],
				{
					...VALID.update,
					updateFields: { providerId: '99' },
				},
			),
		);
		expect(error.message).toBe('The data provided is invalid.');
		expect(error.description).toBe("The value '99' is not a valid PROVIDERID.");
	});
});

test('get: an empty array from athena is no case, not an empty item', async () => {
	const error = await failure(runAgainst([verbatim(200, '[]')], VALID.get));
	expect(error.message).toBe('athena answered no patient case for this Patient Case ID [item 0]');
});

describe('a retried close or reopen that athena already did', () => {
	const closedCase = JSON.stringify([
		{ patientcaseid: '173696', patientid: '12', status: 'CLOSED', createduser: 'API-15476' },
	]);
	const alreadyClosed = verbatim(
		400,
		'{"error":"The patient case is already closed.","detailedmessage":"Patient case 173696 is CLOSED."}',
	);

	test('close: the first answer is lost, the retry is refused as already closed, the case reads CLOSED: reported as closed, truthfully', async () => {
		const output = await runAgainst(
			[dropped, alreadyClosed, verbatim(200, closedCase)],
			VALID.close,
		);
		expect(output[0].json).toEqual({
			success: true,
			patientid: 12,
			patientcaseid: 173696,
			status: 'CLOSED',
			outcome: expect.stringContaining('most likely by that first attempt'),
		});
		expect(
			server!.seen.map((request) => `${request.method} ${request.path.split('?')[0]}`),
		).toEqual([
			'PUT /v1/195900/patients/12/documents/patientcase/173696/close',
			'PUT /v1/195900/patients/12/documents/patientcase/173696/close',
			'GET /v1/195900/patients/12/documents/patientcase/173696',
		]);
		// athena's close takes the reason alone.
		expect(server!.seen.slice(0, 2).map((request) => request.body)).toEqual([
			'actionreasonid=1',
			'actionreasonid=1',
		]);
	});

	test('close with a note: the note is still written after a retried close', async () => {
		const output = await runAgainst(
			[
				dropped,
				alreadyClosed,
				verbatim(200, closedCase),
				verbatim(200, '{"success":true,"versiontoken":"7"}'),
			],
			{ ...VALID.close, note: 'Resolved by phone.' },
		);
		expect(output[0].json).toMatchObject({
			success: true,
			status: 'CLOSED',
			actionNoteWritten: true,
			versiontoken: '7',
		});
		expect(server!.seen.at(-1)).toEqual({
			method: 'POST',
			path: '/v1/195900/documents/patientcase/173696/actions',
			body: 'actionnote=Resolved+by+phone.',
		});
		// The note never rides in the close body.
		expect(
			server!.seen.filter((request) => request.method === 'PUT').map((request) => request.body),
		).toEqual(['actionreasonid=1', 'actionreasonid=1']);
	});

	test('a close refused on the first attempt is an error, not a success', async () => {
		const error = await failure(
			runAgainst([alreadyClosed, verbatim(200, closedCase)], VALID.close),
		);
		expect(error.message).toBe('The patient case is already closed.');
		expect(error.description).toContain('This patient case is already closed (it reads CLOSED).');
	});

	test('reopen: the retry is refused as already open, the case reads REVIEW: reported as reopened', async () => {
		const openCase = JSON.stringify([{ patientcaseid: '173696', status: 'REVIEW' }]);
		const output = await runAgainst(
			[
				dropped,
				verbatim(400, '{"error":"The patient case is already open."}'),
				verbatim(200, openCase),
			],
			VALID.reopen,
		);
		expect(output[0].json).toMatchObject({
			success: true,
			patientcaseid: 173696,
			status: 'REVIEW',
		});
	});

	test('close: a note athena does not take after the close fails the item, saying the case was closed', async () => {
		const error = await failure(
			runAgainst(
				[
					verbatim(200, '{"success":true}'),
					verbatim(
						400,
						'{"missingfields":["actionnote"],"error":"Additional fields are required."}',
					),
				],
				{
					...VALID.close,
					note: 'Patient says the rash is gone.',
				},
			),
		);
		expect(error.message).toBe(
			'The patient case was closed, but athena did not take the action note: write it again with Add Action Note',
		);
		expect(error.description).toContain('athena needs these fields: actionnote');
		expect(everythingShown(error)).not.toContain('rash');
	});
});
