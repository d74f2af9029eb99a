// What users get from npm, and that only GitHub Actions can publish it: `npm pack` lists only the
// build and the package's documents, and `npm publish` on a workstation is refused before a byte
// is sent (here to a stand-in registry on 127.0.0.1 that records what reaches it).
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

interface Run {
	code: number;
	output: string;
}

/** Runs a command in the repository, outside any CI as far as npm can tell. */
function run(command: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
	const outside = { ...process.env };
	for (const name of [
		'GITHUB_ACTIONS',
		'GITLAB_CI',
		'ACTIONS_ID_TOKEN_REQUEST_URL',
		'RELEASE_MODE',
		'NPM_CONFIG_PROVENANCE',
	]) {
		delete outside[name];
	}
	const clean = { ...outside, ...env };
	return new Promise((resolve) => {
		execFile(
			command,
			args,
			{ cwd: root, env: clean, maxBuffer: 16 * 1024 * 1024 },
			(error, stdout, stderr) => {
				resolve({ code: error ? Number(error.code ?? 1) : 0, output: `${stdout}${stderr}` });
			},
		);
	});
}

describe('the npm package', () => {
	beforeAll(async () => {
		// What n8n loads must be built for npm pack to list it (npm test may run before npm run build).
		if (!existsSync(join(root, manifest.n8n.nodes[0]))) await run('npm', ['run', 'build']);
	}, 120_000);

	test('holds only the build, README, LICENSE, CHANGELOG and package.json', async () => {
		const result = await run('npm', ['pack', '--dry-run', '--json']);
		expect(result.code).toBe(0);
		const [packed] = JSON.parse(result.output.slice(result.output.indexOf('[')));
		const paths: string[] = packed.files.map((file: { path: string }) => file.path);
		const documents = ['CHANGELOG.md', 'LICENSE.md', 'README.md', 'package.json'];
		expect(paths.filter((path) => !path.startsWith('dist/')).sort()).toEqual(documents);
		// Every file n8n loads is in it (run `npm run build` first), and nothing from tests or docs.
		for (const file of [...manifest.n8n.nodes, ...manifest.n8n.credentials])
			expect(paths).toContain(file);
		expect(paths.filter((path) => /test|sandbox|screenshot|\.png$/i.test(path))).toEqual([]);
	});
});

describe('publishing', () => {
	let registry: Server;
	let url: string;
	const received: string[] = [];

	beforeAll(async () => {
		registry = createServer((request, response) => {
			received.push(`${request.method} ${request.url}`);
			request.resume();
			response.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"Not found"}');
		});
		await new Promise<void>((resolve) => registry.listen(0, '127.0.0.1', resolve));
		url = `http://127.0.0.1:${(registry.address() as AddressInfo).port}/`;
	});

	afterAll(async () => {
		await new Promise((resolve) => registry.close(resolve));
	});

	beforeEach(() => {
		received.length = 0;
	});

	const publish = (...extra: string[]) =>
		run('npm', [
			'publish',
			`--registry=${url}`,
			`--${url.slice('http:'.length)}:_authToken=stand-in`,
			...extra,
		]);

	test('a plain npm publish is refused: npm cannot make the provenance statement publishConfig asks for', async () => {
		expect(manifest.publishConfig).toEqual({ provenance: true });
		const result = await publish();
		expect(result.code).not.toBe(0);
		expect(result.output).toContain('Automatic provenance generation not supported');
		expect(received.filter((line) => !line.startsWith('GET '))).toEqual([]);
	});

	test('with scripts turned on, prepublishOnly stops it first and points at npm run release', async () => {
		const result = await publish('--ignore-scripts=false');
		expect(result.code).not.toBe(0);
		expect(result.output).toContain('Run `npm run release` to publish the package');
		expect(received).toEqual([]);
	});

	test('npm run release refuses outside GitHub Actions and says how to release', async () => {
		const result = await run('node', ['scripts/release.mjs']);
		expect(result.code).toBe(1);
		expect(result.output).toContain('publishes from GitHub Actions only');
		expect(result.output).toContain('git push --follow-tags');
	});

	test('in GitHub Actions, a tag that is not the version is refused before anything runs', async () => {
		const result = await run('node', ['scripts/release.mjs'], {
			GITHUB_ACTIONS: 'true',
			GITHUB_REF_NAME: 'v9.9.9',
		});
		expect(result.code).toBe(1);
		expect(result.output).toContain(
			`The tag v9.9.9 does not match package.json's version ${manifest.version}`,
		);
	});
});
