/**
 * Summarises a V8 .cpuprofile (node --cpu-prof): self time by package or repository file, then the
 * heaviest functions. `npx ts-node --transpile-only bench/cpuprofile.ts <file> [top]`.
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
	id: number;
	callFrame: { functionName: string; url: string; lineNumber: number };
	hitCount: number;
	children?: number[];
}

const [file, topArg] = process.argv.slice(2);
const profile = JSON.parse(readFileSync(file, 'utf8')) as { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] };
const selfUs = new Map<number, number>();
profile.samples.forEach((id, index) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[index] ?? 0)));

/** node_modules/<package>, a repository path, or the V8 bucket ("(garbage collector)", "(program)"). */
function where(url: string, name: string): string {
	if (!url) return name.startsWith('(') ? name : `(native) ${name}`;
	const modules = url.lastIndexOf('node_modules/');
	if (modules >= 0) {
		const rest = url.slice(modules + 'node_modules/'.length).split('/');
		return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
	}
	if (url.startsWith('node:')) return url;
	const repo = url.replace(/^file:\/\//, '').replace(/^.*?\/(nodes|bench|test)\//, '$1/');
	return repo;
}

const byPlace = new Map<string, number>();
const byFunction = new Map<string, number>();
let total = 0;
for (const node of profile.nodes) {
	const us = selfUs.get(node.id) ?? 0;
	if (!us) continue;
	total += us;
	const { functionName, url, lineNumber } = node.callFrame;
	const place = where(url, functionName);
	byPlace.set(place, (byPlace.get(place) ?? 0) + us);
	const key = `${functionName || '(anonymous)'} ${place}:${lineNumber + 1}`;
	byFunction.set(key, (byFunction.get(key) ?? 0) + us);
}
const top = Number(topArg ?? 30);
const show = (map: Map<string, number>) =>
	[...map.entries()]
		.sort((a, b) => b[1] - a[1])
		.slice(0, top)
		.map(([key, us]) => `  ${((100 * us) / total).toFixed(1).padStart(5)}%  ${(us / 1000).toFixed(0).padStart(6)} ms  ${key}`)
		.join('\n');
console.log(`total sampled ${(total / 1000).toFixed(0)} ms\nself time by place:\n${show(byPlace)}\n\nheaviest functions (self):\n${show(byFunction)}`);
