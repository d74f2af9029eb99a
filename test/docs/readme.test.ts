import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import { Athenahealth } from '../../nodes/Athenahealth/Athenahealth.node';
import { FEEDS } from '../../nodes/Athenahealth/feeds/catalog';
import { AthenahealthTrigger } from '../../nodes/Athenahealth/AthenahealthTrigger.node';
import { readmeWithTable } from '../../scripts/docs/feedTable';

const root = join(__dirname, '..', '..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const homepage: string = JSON.parse(
	readFileSync(join(root, 'package.json'), 'utf8'),
).homepage.replace(/#.*$/, '');

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens. */
const slug = (heading: string) =>
	heading
		.toLowerCase()
		.replace(/[^\w\- ]/g, '')
		.replace(/ /g, '-');
const headings = [...readme.matchAll(/^#{2,4} (.+)$/gm)].map((match) => match[1]);

/** The rows of the first table after `heading`, as arrays of trimmed cells (header and rule dropped). */
function tableAfter(heading: string): string[][] {
	const start = readme.indexOf(`\n${heading}\n`);
	if (start < 0) throw new Error(`README.md has no "${heading}"`);
	const lines = readme.slice(start).split('\n');
	const first = lines.findIndex((line) => line.startsWith('|'));
	const rows: string[][] = [];
	for (const line of lines.slice(first + 2)) {
		if (!line.startsWith('|')) break;
		rows.push(
			line
				.slice(1, -1)
				.split('|')
				.map((cell) => cell.trim()),
		);
	}
	return rows;
}

describe('README', () => {
	test('its feed table is the catalog (run `npm run docs` after changing the catalog)', () => {
		expect(readme).toBe(readmeWithTable(readme));
		for (const feed of FEEDS) expect(readme).toContain(`| ${feed.name} |`);
	});

	test('gives the two quick-start commands', () => {
		expect(readme).toContain('npm run dev');
		expect(readme).toContain('npm test');
	});

	test('has the sections n8n users need, in the order they need them', () => {
		const order = [
			'Installation',
			'Credentials',
			'Operations',
			'Trigger',
			'Example workflows',
			'Compatibility',
			'Patient data',
			'Resources',
			'Version history',
			'Development',
		];
		const found = order.map((section) => headings.indexOf(section));
		expect(found.every((index) => index >= 0)).toBe(true);
		expect([...found].sort((a, b) => a - b)).toEqual(found);
		expect(readme).toContain('Settings > Community Nodes');
		expect(readme).toContain('npm install n8n-nodes-athenahealth');
	});

	test('its operations table lists every resource and operation of the node, and no other', () => {
		const properties = new Athenahealth().description.properties;
		const resources = (properties.find((property) => property.name === 'resource')?.options ??
			[]) as INodePropertyOptions[];
		const fromCode = resources.flatMap((resource) => {
			const operation = properties.find(
				(property) =>
					property.name === 'operation' &&
					property.displayOptions?.show?.resource?.includes(resource.value),
			);
			return ((operation?.options ?? []) as INodePropertyOptions[]).map(
				(option) => `${resource.name} > ${option.name}`,
			);
		});
		const fromReadme = tableAfter('### Athenahealth node').map(
			([resource, operation]) => `${resource} > ${operation}`,
		);
		expect(fromReadme.sort()).toEqual(fromCode.sort());
	});

	test('its trigger options table gives every option of the trigger with its default', () => {
		const options = (new AthenahealthTrigger().description.properties.find(
			(property) => property.name === 'options',
		)?.options ?? []) as INodeProperties[];
		const shown = (value: unknown) =>
			value === true ? 'on' : value === false ? 'off' : String(value);
		const general = options
			.filter((option) => !option.displayOptions)
			.map((option) => [option.displayName, shown(option.default)]);
		expect(
			tableAfter('## Trigger')
				.map(([name, value]) => [name, value])
				.sort(),
		).toEqual(general.sort());
		// The feeds' own read options are in the feed table, rendered from the catalog (first test).
	});

	test('the documentation links n8n shows for the nodes open a section of it', () => {
		const codex = (dir: string): string[] =>
			readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
				entry.isDirectory()
					? codex(join(dir, entry.name))
					: entry.name.endsWith('.node.json')
						? [join(dir, entry.name)]
						: [],
			);
		// (The credential's own link is athena's authentication page, where the app is set up.)
		const urls = [
			...codex(join(root, 'nodes')).flatMap((file) => {
				const { resources } = JSON.parse(readFileSync(file, 'utf8'));
				return [...resources.primaryDocumentation, ...resources.credentialDocumentation].map(
					(link: { url: string }) => link.url,
				);
			}),
		];
		expect(urls.length).toBeGreaterThanOrEqual(4);
		for (const url of urls) {
			expect(url.startsWith(`${homepage}#`)).toBe(true);
			expect(headings.map(slug)).toContain(url.slice(homepage.length + 1));
		}
	});

	test('its links to files of the repository and to its own sections resolve', () => {
		const targets = [...readme.matchAll(/\]\(([^)\s]+)\)/g)]
			.map((match) => match[1])
			.filter((target) => !/^https?:/.test(target));
		expect(targets).toContain('docs/DEVELOPMENT.md');
		expect(targets).toContain('docs/athena-contract.md');
		for (const target of targets) {
			if (target.startsWith('#')) expect(headings.map(slug)).toContain(target.slice(1));
			else expect(existsSync(join(root, target))).toBe(true);
		}
	});
});

describe('docs/DEVELOPMENT.md', () => {
	const development = readFileSync(join(root, 'docs', 'DEVELOPMENT.md'), 'utf8');

	test('its links to files of the repository resolve', () => {
		const targets = [...development.matchAll(/\]\(([^)\s#]+)(#[^)]*)?\)/g)]
			.map((match) => match[1])
			.filter((target) => !/^https?:/.test(target));
		expect(targets.length).toBeGreaterThan(3);
		for (const target of targets) {
			expect(existsSync(join(root, 'docs', target))).toBe(true);
		}
	});
});
