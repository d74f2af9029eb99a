// Smoke test: the real n8n (pinned, Node 24) loads the packed package the way users install it.
import { startE2eN8n, type E2eN8n } from './realN8n';

const PACKAGE = 'n8n-nodes-athenahealth';
const ACTION = `${PACKAGE}.athenahealth`;
const TRIGGER = `${PACKAGE}.athenahealthTrigger`;

describe('n8n with the packed n8n-nodes-athenahealth', () => {
	let n8n: E2eN8n;

	beforeAll(async () => {
		n8n = await startE2eN8n();
	});

	afterAll(async () => {
		await n8n?.stop();
	});

	it('lists the action and trigger node types', async () => {
		const names = (await n8n.nodeTypes()).map((t) => t.name);
		expect(names).toEqual(expect.arrayContaining([ACTION, TRIGGER]));
	});

	it('knows the athenahealthApi credential type', async () => {
		const schema = await n8n.api.credentialSchema('athenahealthApi');
		expect(schema).toHaveProperty('properties');
	});

	// The public API stores unknown node types too: the node-types test above proves loading; this
	// one proves the API key and the type string round-trip.
	it('stores a workflow that uses the action node', async () => {
		const created = await n8n.api.createWorkflow({
			name: 'boot smoke',
			nodes: [
				{
					id: 'manual',
					name: 'Start',
					type: 'n8n-nodes-base.manualTrigger',
					typeVersion: 1,
					position: [0, 0],
					parameters: {},
				},
				{
					id: 'athena',
					name: 'athenahealth',
					type: ACTION,
					typeVersion: 1,
					position: [220, 0],
					parameters: {},
				},
			],
			connections: { Start: { main: [[{ node: 'athenahealth', type: 'main', index: 0 }]] } },
		});
		const stored = await n8n.api.getWorkflow(created.id);
		expect(stored.nodes.map((node: { type: string }) => node.type)).toContain(ACTION);
	});

	it('logged no package load errors', () => {
		expect(n8n.logs()).not.toMatch(
			/Failed to load package|Error loading package|n8n-nodes-athenahealth.*error/i,
		);
	});
});
