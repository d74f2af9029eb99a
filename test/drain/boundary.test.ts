import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The drain is plain code: its I/O is passed in, so it can be tested and benchmarked alone and
 * never drags n8n, axios or the request layer in with it.
 */
const ROOT = join(__dirname, '..', '..');
const DRAIN = join(ROOT, 'nodes', 'Athenahealth', 'drain');

/** `npm run lint`'s rules for shipped code (scripts/verify/eslint.shipped.config.mjs) on `code` as if it were a file of the drain; its messages. */
function lintAsDrain(code: string): string[] {
	const eslint = join(ROOT, 'node_modules', 'eslint', 'bin', 'eslint.js');
	const config = join(ROOT, 'scripts', 'verify', 'eslint.shipped.config.mjs');
	const args = [
		eslint,
		'-c',
		config,
		'--stdin',
		'--stdin-filename',
		join(DRAIN, 'fixture.ts'),
		'--format',
		'json',
	];
	let output: string;
	try {
		output = execFileSync(process.execPath, args, { cwd: ROOT, input: code, encoding: 'utf8' });
	} catch (error) {
		output = (error as { stdout: string }).stdout; // eslint exits 1 when it reports errors
	}
	const [result] = JSON.parse(output) as Array<{
		messages: Array<{ ruleId: string; message: string }>;
	}>;
	return result.messages.map((entry) => `${entry.ruleId}: ${entry.message}`);
}

describe('the drain engine stands alone', () => {
	test('built on its own, it loads no module of n8n, axios or the nodes', () => {
		// Compiled alone (tsc follows its imports, so anything it reaches is built too), then
		// required in a fresh process, so nothing this test runner loaded counts.
		// Inside the checkout (.cache is git-ignored) so that luxon resolves as it does for dist.
		mkdirSync(join(ROOT, '.cache'), { recursive: true });
		const out = mkdtempSync(join(ROOT, '.cache', 'drain-build-'));
		try {
			const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
			const flags = [
				'--outDir',
				out,
				'--module',
				'commonjs',
				'--target',
				'es2022',
				'--moduleResolution',
				'node',
				'--strict',
				'--esModuleInterop',
				'--skipLibCheck',
			];
			execFileSync(process.execPath, [tsc, join(DRAIN, 'index.ts'), ...flags], {
				cwd: ROOT,
				encoding: 'utf8',
			});
			const built = join(out, 'drain', 'index.js');
			const script = `require(${JSON.stringify(built)}); console.log(JSON.stringify(Object.keys(require.cache)))`;
			const loaded: string[] = JSON.parse(
				execFileSync(process.execPath, ['-e', script], { cwd: ROOT, encoding: 'utf8' }),
			);
			expect(
				loaded.filter((file) => /node_modules[\\/](n8n-workflow|n8n-core|axios)[\\/]/.test(file)),
			).toEqual([]);
			const ours = loaded.filter((file) => file.startsWith(out));
			expect(
				ours.filter(
					(file) =>
						!file.startsWith(join(out, 'drain')) && file !== join(out, 'feeds', 'catalog.js'),
				),
			).toEqual([]);
			expect(ours.length).toBeGreaterThan(5);
		} finally {
			rmSync(out, { recursive: true, force: true });
		}
	});

	test.each([
		["import { sleep } from 'n8n-workflow';\nexport const wait = sleep;\n", 'nothing from n8n'],
		[
			"import type { IDataObject } from 'n8n-workflow';\nexport type Row = IDataObject;\n",
			'nothing from n8n',
		],
		[
			"import { athenaRequest } from '../transport/request';\nexport const call = athenaRequest;\n",
			'only its own files',
		],
		[
			"import { makeTransform } from '../common/records';\nexport const make = makeTransform;\n",
			'only its own files',
		],
	])('npm run lint refuses an import that crosses the boundary: %j', (code, message) => {
		expect(lintAsDrain(code)).toEqual([
			expect.stringMatching(new RegExp(`^no-restricted-imports: .*${message}`)),
		]);
	});

	test('lint accepts what the drain may import: its own files, the feed catalog, luxon, crypto', () => {
		const code =
			"import { createHash } from 'crypto';\nimport { DateTime } from 'luxon';\nimport { FEEDS } from '../feeds/catalog';\nimport { PAGE_SIZE } from './run';\nexport const all = [createHash, DateTime, FEEDS, PAGE_SIZE];\n";
		expect(lintAsDrain(code)).toEqual([]);
	});
});
