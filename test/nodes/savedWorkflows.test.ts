// Workflows saved with an earlier version of the package (real exports, taken from n8n by the
// upgrade e2e suite) keep working in the current nodes: every parameter they set is still known at
// their typeVersion, and they run against the sandbox as they did. A parameter renamed or removed
// later must keep being served for these typeVersions (n8n keeps a node's saved typeVersion).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { INodeExecutionData, INodeParameters, INodeType } from 'n8n-workflow';

import { Athenahealth } from '../../nodes/Athenahealth/Athenahealth.node';
import { AthenahealthTrigger } from '../../nodes/Athenahealth/AthenahealthTrigger.node';
import { executeNode, makeNode, PolledWorkflow } from '../harness/n8n';
import { useSandbox } from '../harness/sandbox';

const FIXTURES = join(__dirname, '..', 'fixtures', 'workflows');
const PACKAGE = 'n8n-nodes-athenahealth';

interface SavedNode {
	name: string;
	type: string;
	typeVersion: number;
	parameters: INodeParameters;
}
interface SavedWorkflow {
	name: string;
	nodes: SavedNode[];
	connections: Record<string, { main: Array<Array<{ node: string }>> }>;
}

const workflows = readdirSync(FIXTURES)
	.filter((file) => file.endsWith('.json'))
	.map((file) => ({
		file,
		workflow: JSON.parse(readFileSync(join(FIXTURES, file), 'utf8')) as SavedWorkflow,
	}));

const ours: Record<string, INodeType> = {
	[`${PACKAGE}.athenahealth`]: new Athenahealth(),
	[`${PACKAGE}.athenahealthTrigger`]: new AthenahealthTrigger(),
};

/** A node type as n8n picks it for a saved typeVersion (a versioned type serves each version). */
function typeFor(saved: SavedNode): INodeType {
	const type = ours[saved.type] as INodeType & { getNodeType?: (version?: number) => INodeType };
	return type.getNodeType ? type.getNodeType(saved.typeVersion) : type;
}

/** Every value a saved parameter set, as [path, value] pairs. */
function leaves(value: unknown, path: string[] = []): Array<[string, unknown]> {
	if (value && typeof value === 'object' && !Array.isArray(value)) {
		return Object.entries(value).flatMap(([key, inner]) => leaves(inner, [...path, key]));
	}
	return [[path.join('.'), value]];
}

const nodesOfOurs = workflows.flatMap(({ file, workflow }) =>
	workflow.nodes.filter((n) => n.type in ours).map((n) => [`${file}: ${n.name}`, n] as const),
);

describe('workflows saved with an earlier version', () => {
	test('the fixtures hold nodes of this package', () => {
		expect(nodesOfOurs.length).toBeGreaterThan(0);
	});

	test.each(nodesOfOurs)(
		'%s: every saved parameter is still a parameter of the node at its typeVersion',
		(_name, saved) => {
			const type = typeFor(saved);
			const versions = ([] as number[]).concat(type.description.version);
			expect(versions).toContain(saved.typeVersion);
			// n8n adds pollTimes to polling triggers itself; it is not in the node's description.
			const { pollTimes, ...parameters } = saved.parameters;
			const loaded = makeNode(type, parameters, { typeVersion: saved.typeVersion }).parameters;
			expect(
				Object.fromEntries(
					leaves(loaded).filter(([path]) => leaves(parameters).some(([p]) => p === path)),
				),
			).toEqual(Object.fromEntries(leaves(parameters)));
		},
	);
});

describe('workflows saved with an earlier version run in the current nodes', () => {
	const ctx = useSandbox({ departments: 10, realTimeClock: true });

	/** Runs a saved workflow's chain from its first node, as n8n would: each node gets the previous node's items. */
	async function runChain(workflow: SavedWorkflow, firstItems: INodeExecutionData[]) {
		const outputs = new Map<string, INodeExecutionData[]>();
		let current = workflow.nodes.find(
			(n) =>
				!Object.values(workflow.connections).some((c) =>
					c.main.flat().some((to) => to.node === n.name),
				),
		)!;
		let items = firstItems;
		for (;;) {
			if (current.type in ours) {
				[items] = await executeNode(typeFor(current), current.parameters, ctx.credentials, items, {
					typeVersion: current.typeVersion,
				});
			}
			outputs.set(current.name, items);
			const next = workflow.connections[current.name]?.main[0]?.[0]?.node;
			if (!next) return outputs;
			current = workflow.nodes.find((n) => n.name === next)!;
		}
	}

	const caseWorkflows = workflows.filter(({ workflow }) =>
		workflow.nodes.some((n) => n.type === `${PACKAGE}.athenahealth`),
	);
	const triggerWorkflows = workflows.filter(({ workflow }) =>
		workflow.nodes.some((n) => n.type === `${PACKAGE}.athenahealthTrigger`),
	);

	test.each(caseWorkflows.map(({ file, workflow }) => [file, workflow] as const))(
		'%s: the webhook chain creates, updates and lists cases',
		async (_file, workflow) => {
			const before = new Set(ctx.sandbox.state.cases.keys());
			const outputs = await runChain(workflow, [{ json: { body: { subject: 'Refill request' } } }]);
			for (const node of workflow.nodes.filter((n) => n.type in ours)) {
				expect({ node: node.name, ran: (outputs.get(node.name)?.length ?? 0) > 0 }).toEqual({
					node: node.name,
					ran: true,
				});
			}
			const created = [...ctx.sandbox.state.cases.keys()].filter((id) => !before.has(id));
			expect(created).toHaveLength(
				workflow.nodes.filter((n) => n.parameters.operation === 'create').length,
			);
			const updates = workflow.nodes.filter((n) => n.parameters.operation === 'update');
			for (const id of created) {
				const stored = ctx.sandbox.state.cases.get(id)!;
				expect(stored.subject).toBe('Refill request');
				for (const update of updates) {
					const fields = update.parameters.updateFields as Record<string, string>;
					if (fields.priority) expect(stored.priority).toBe(fields.priority);
					if (fields.callbackName) expect(stored.callbackname).toBe(fields.callbackName);
				}
			}
		},
	);

	test.each(triggerWorkflows.map(({ file, workflow }) => [file, workflow] as const))(
		'%s: the trigger subscribes, marks its window and delivers every record once',
		async (_file, workflow) => {
			const saved = workflow.nodes.find((n) => n.type === `${PACKAGE}.athenahealthTrigger`)!;
			const wf = new PolledWorkflow(typeFor(saved), saved.parameters, ctx.credentials, {
				typeVersion: saved.typeVersion,
			});
			const emitted: unknown[] = [];
			let injected: unknown[] = [];
			for (let tick = 0; tick < 8; tick++) {
				const outcome = await wf.tick();
				if (outcome.error) throw outcome.error;
				emitted.push(...(outcome.emitted ?? []).map((item) => String(item.json.appointmentid)));
				if (tick === 0) {
					const feed = saved.parameters.feed as string;
					const departmentIds = saved.parameters.departmentIds as string[];
					injected = ctx.sandbox
						.inject({ feed, count: 50, departmentIds })
						.map((r) => String(r.appointmentid));
				}
			}
			expect(injected).toHaveLength(50);
			expect(emitted.sort()).toEqual([...injected].sort());
		},
	);
});
