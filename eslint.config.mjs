import { n8nCommunityNodesPlugin } from '@n8n/eslint-plugin-community-nodes';
import tseslint from 'typescript-eslint';

// The rule set n8n's community scanner enforces, over the code that ships (nodes, credentials)
// and package.json, which the scanner reads as well.
export default tseslint.config(
	{ ignores: ['dist/**', 'node_modules/**', 'test/**', 'bench/**', 'scripts/**', '.cache/**'] },
	{
		files: ['**/*.ts'],
		extends: [tseslint.configs.recommended],
	},
	{
		files: ['package.json'],
		languageOptions: { parser: tseslint.parser, parserOptions: { extraFileExtensions: ['.json'] } },
	},
	n8nCommunityNodesPlugin.configs.recommended,
	// The drain is plain code with its I/O passed in: nothing from n8n, the request layer or the nodes.
	{
		files: ['nodes/Athenahealth/drain/**/*.ts'],
		rules: {
			'no-restricted-imports': [
				'error',
				{
					patterns: [
						{
							group: ['n8n-workflow', 'n8n-workflow/*', 'n8n-core', 'n8n-core/*', 'axios'],
							message: 'The drain imports nothing from n8n: pass its I/O in (see drain/index.ts).',
						},
						{
							regex: '^\\.\\./(?!feeds/catalog$)',
							message: 'The drain may import only its own files and the feed catalog: pass the rest in.',
						},
					],
				},
			],
		},
	},
);
