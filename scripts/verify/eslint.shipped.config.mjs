// `npm run lint`, first leg: the rule set n8n's community scanner lints the package's source with
// (community-nodes recommended, eslint-plugin-n8n-nodes-base's community, credentials and nodes
// rules, no-console), taken from the scanner itself so the two cannot drift, plus the project's
// own rules for the code that ships. Run as
// `eslint -c scripts/verify/eslint.shipped.config.mjs nodes credentials package.json`
// (with -c, patterns are relative to the working folder, the repository root).
import { buildScanConfig } from './scanner.mjs';

/**
 * The project's own rules for nodes/ and credentials/. ESLint keeps one `no-restricted-imports`
 * per file (a later block replaces an earlier one's options), so a folder with stricter bounds
 * repeats these patterns in its own block.
 */
const NOTHING_TEST_ONLY = {
	group: ['**/test/**', '**/bench/**', '**/scripts/**'],
	message: 'Shipped code must not import tests, benchmarks or scripts.',
};
const projectRules = [
	{
		files: ['nodes/**/*.ts', 'credentials/**/*.ts'],
		rules: { 'no-restricted-imports': ['error', { patterns: [NOTHING_TEST_ONLY] }] },
	},
	// The drain is plain code with its I/O passed in: nothing from n8n, the request layer or the nodes.
	{
		files: ['nodes/Athenahealth/drain/**/*.ts'],
		rules: {
			'no-restricted-imports': [
				'error',
				{
					patterns: [
						NOTHING_TEST_ONLY,
						{
							group: ['n8n-workflow', 'n8n-workflow/*', 'n8n-core', 'n8n-core/*', 'axios'],
							message: 'The drain imports nothing from n8n: pass its I/O in (see drain/index.ts).',
						},
						{
							regex: '^\\.\\./(?!feeds/catalog$)',
							message:
								'The drain may import only its own files and the feed catalog: pass the rest in.',
						},
					],
				},
			],
		},
	},
];

export default [
	{ ignores: ['dist/**', 'node_modules/**'] },
	...(await buildScanConfig()),
	// As in the scanner: an `eslint-disable` comment cannot hide an error.
	{ linterOptions: { noInlineConfig: true } },
	...projectRules,
];
