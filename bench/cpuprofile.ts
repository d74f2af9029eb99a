/**
 * Summarises a V8 .cpuprofile of bench/profile.ts: self time of the trigger path by where it is
 * spent (JSON.parse, n8n's HTTP stack, node's sockets and buffers, GC, our files), then the heaviest
 * functions. Stacks of module loading and of the benchmark's own injections are left out.
 * `npx ts-node --transpile-only bench/cpuprofile.ts <file> [top]`.
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
	id: number;
	callFrame: { functionName: string; url: string; lineNumber: number };
	children?: number[];
}

const [file, topArg] = process.argv.slice(2);
const profile = JSON.parse(readFileSync(file, 'utf8')) as {
	nodes: ProfileNode[];
	samples: number[];
	timeDeltas: number[];
};
const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
const parent = new Map<number, number>();
for (const node of profile.nodes)
	for (const child of node.children ?? []) parent.set(child, node.id);
const selfUs = new Map<number, number>();
profile.samples.forEach((id, index) =>
	selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[index] ?? 0)),
);

const short = (url: string) =>
	url
		.replace(/^file:\/\//, '')
		.replace(/^.*node_modules\//, '')
		.replace(/^.*?\/(nodes|bench|test)\//, '$1/');

function bucket(leaf: ProfileNode['callFrame']): string {
	const { functionName: name, url } = leaf;
	if (name === '(garbage collector)') return 'garbage collection';
	if (name === 'transformResponse' || name === 'parse')
		return 'JSON.parse (in axios transformResponse)';
	if (url.includes('/nodes/Athenahealth/') || url.includes('/credentials/'))
		return `ours: ${short(url)}`;
	if (/n8n-workflow|n8n-core|test\/harness/.test(url)) return 'n8n-core, n8n-workflow, harness';
	if (/axios|follow-redirects|proxy-from-env|backend-network|form-data/.test(url))
		return "axios and n8n's HTTP layer";
	if (url === '' || url.startsWith('node:')) return 'node: sockets, http, buffers, streams';
	return `other: ${short(url)}`;
}

const byBucket = new Map<string, number>();
const byFunction = new Map<string, number>();
let total = 0;
for (const [id, us] of selfUs) {
	const frames: ProfileNode['callFrame'][] = [];
	for (let at: number | undefined = id; at !== undefined; at = parent.get(at))
		frames.push(nodes.get(at)!.callFrame);
	const leaf = frames[0];
	if (
		leaf.functionName === '(idle)' ||
		leaf.functionName === '(program)' ||
		leaf.functionName === '(root)'
	)
		continue;
	if (
		frames.some((frame) =>
			/typescript|cjs\/loader|controlClient|sandbox\/launch|sandboxProcess/.test(frame.url),
		)
	)
		continue;
	total += us;
	const where = bucket(leaf);
	byBucket.set(where, (byBucket.get(where) ?? 0) + us);
	const key = `${leaf.functionName || '(anonymous)'} ${short(leaf.url) || '(native)'}:${leaf.lineNumber + 1}`;
	byFunction.set(key, (byFunction.get(key) ?? 0) + us);
}
const top = Number(topArg ?? 25);
const show = (map: Map<string, number>) =>
	[...map.entries()]
		.sort((a, b) => b[1] - a[1])
		.slice(0, top)
		.map(
			([key, us]) =>
				`  ${((100 * us) / total).toFixed(1).padStart(5)}%  ${(us / 1000).toFixed(0).padStart(6)} ms  ${key}`,
		)
		.join('\n');
console.log(
	`trigger path, sampled ${(total / 1000).toFixed(0)} ms\nself time by place:\n${show(byBucket)}\n\nheaviest functions (self):\n${show(byFunction)}`,
);
