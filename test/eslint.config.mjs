import tseslint from 'typescript-eslint';

// Lint for code that never ships (tests, sandbox, harnesses; bench/ and scripts/ reuse this file).
// ESLint picks it for the files below this folder when it resolves configs per file
// (`ESLINT_FLAGS=unstable_config_lookup_from_file`, ESLint 10's default), which `npm run lint`
// sets: n8n's default config at the root then covers only what ships (docs/DEVELOPMENT.md#lint).
// n8n's community rules do not apply here: tests spawn processes, read the environment, use timers.
export default tseslint.config({
	files: ['**/*.ts'],
	extends: [tseslint.configs.recommended],
	rules: {
		// Harnesses reach into untyped shapes: n8n-core internals, raw JSON answers, JS modules' .d.ts.
		'@typescript-eslint/no-explicit-any': 'off',
		'@typescript-eslint/no-unused-vars': [
			'error',
			{ argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true },
		],
		'no-empty': ['error', { allowEmptyCatch: true }],
	},
});
