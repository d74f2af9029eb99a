import type { INodeParameters, INodeType } from 'n8n-workflow';

import { META_KEY } from '../../../nodes/Athenahealth/drain';
import { getFeed } from '../../../nodes/Athenahealth/feeds/catalog';
import { executeNode } from '../../harness/n8n';
import { VALID } from '../../harness/parameters';
import { SEED_CASES } from '../../sandbox/seed';
import { sandboxCredentials } from '../../harness/credentials';
import { node, search, useSandbox } from './helpers';

const ctx = useSandbox();

const CASE_FIELDS = getFeed('documents/patientcase').simplifiedFields;
const seededCase = {
	...VALID.get,
	patientId: '1',
	patientCaseId: String(SEED_CASES.byOtherClient),
};

/** The node as n8n offers it to an AI agent: the same node under the name `<name>Tool`. */
const tool: INodeType = Object.assign(Object.create(node) as INodeType, {
	description: { ...node.description, name: 'athenahealthTool' },
});

/** Runs the node as a workflow saved at `typeVersion`, or as an AI agent's tool. */
async function items(parameters: INodeParameters, typeVersion: number, asTool = false) {
	const [output] = await executeNode(asTool ? tool : node, parameters, ctx.credentials, undefined, {
		typeVersion,
		nodeType: asTool ? 'n8n-nodes-athenahealth.athenahealthTool' : undefined,
	});
	return output.map((item) => item.json);
}

describe('Simplify on Patient Case Get and Get Many', () => {
	test('a node added from now on (version 1.1) returns the simplified case', async () => {
		const [patientCase] = await items(seededCase, 1.1);
		expect(Object.keys(patientCase).every((key) => CASE_FIELDS.includes(key))).toBe(true);
		expect(patientCase).toMatchObject({
			patientcaseid: SEED_CASES.byOtherClient,
			patientid: 1,
			status: 'FOLLOWUP',
			subject: 'Refill clarification',
		});
		expect(patientCase).not.toHaveProperty('createduser');
	});

	test('a workflow saved at version 1 (no Simplify parameter) keeps the full case', async () => {
		const [patientCase] = await items(seededCase, 1);
		expect(patientCase).toHaveProperty('createduser');
		expect(patientCase).toHaveProperty('documentclass');
	});

	test('Simplify off on version 1.1 gives the full cases; on, Get Many simplifies every case', async () => {
		const many = { ...VALID.getMany, patientId: '1' };
		expect((await items({ ...many, simplify: false }, 1.1))[0]).toHaveProperty('createduser');
		const simplified = await items(many, 1.1);
		expect(simplified.length).toBeGreaterThan(1);
		expect(
			simplified.every((record) => Object.keys(record).every((key) => CASE_FIELDS.includes(key))),
		).toBe(true);
	});
});

describe('Simplify on Changed Data > Read', () => {
	test("records keep the feed catalog's fields and _athena", async () => {
		await executeNode(node, VALID.subscribe, ctx.credentials);
		ctx.sandbox.inject({ feed: 'patients', count: 2 });
		const records = await items({ ...VALID.read, feed: 'patients' }, 1.1);
		expect(records).toHaveLength(2);
		for (const record of records) {
			expect(record[META_KEY]).toMatchObject({ feed: 'patients', replayed: false });
			expect(
				Object.keys(record).every(
					(key) => key === META_KEY || getFeed('patients').simplifiedFields.includes(key),
				),
			).toBe(true);
			expect(record).not.toHaveProperty('homephone');
		}
	});
});

describe('Output for AI agents', () => {
	test('simplified by default, as n8n advises for tools', async () => {
		const [patientCase] = await items(seededCase, 1.1, true);
		expect(Object.keys(patientCase).every((key) => CASE_FIELDS.includes(key))).toBe(true);
	});

	test('raw sends every field, even on version 1.1', async () => {
		const [patientCase] = await items({ ...seededCase, output: 'raw' }, 1.1, true);
		expect(patientCase).toHaveProperty('createduser');
	});

	test('selected fields sends those listed plus the ids; names that are not field names are ignored', async () => {
		const [patientCase] = await items(
			{ ...seededCase, output: 'selected', outputFields: 'status, createduser, x-y, ' },
			1.1,
			true,
		);
		expect(patientCase).toEqual({
			patientcaseid: SEED_CASES.byOtherClient,
			patientid: 1,
			status: 'FOLLOWUP',
			createduser: expect.any(String),
		});
	});

	test('Simplify is not what a tool reads: Output decides', async () => {
		const [patientCase] = await items({ ...seededCase, simplify: true, output: 'raw' }, 1.1, true);
		expect(patientCase).toHaveProperty('createduser');
	});
});

describe('Practice ID override on the action node', () => {
	test("every call goes to the override's practice; empty means the credential's", async () => {
		ctx.credentials = sandboxCredentials(ctx.sandbox.url, { practiceId: '1' });
		const [patientCase] = await items({ ...seededCase, practiceId: '195900' }, 1);
		expect(patientCase.patientcaseid).toBe(SEED_CASES.byOtherClient);
		await expect(items(seededCase, 1)).rejects.toThrow('The practice ID is not valid.');
	});

	test("the editor's lists use it too", async () => {
		ctx.credentials = sandboxCredentials(ctx.sandbox.url, { practiceId: '1' });
		expect(
			(
				await search(
					ctx,
					'searchPatients',
					{ ...VALID.create, practiceId: '195900' },
					'Avery Alvarez',
				)
			).results,
		).toHaveLength(1);
	});

	test('a malformed override is refused before any request, naming the field and the item', async () => {
		await expect(items({ ...seededCase, practiceId: 'abc' }, 1)).rejects.toThrow(
			'Practice ID must be a positive whole number, such as 195900 [item 0]',
		);
		expect(ctx.sandbox.stats().requests).toHaveLength(0);
	});
});
