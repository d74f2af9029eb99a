/** Tests run TypeScript through ts-jest; type errors are caught by `npm run typecheck`. */
module.exports = {
	testEnvironment: 'node',
	roots: ['<rootDir>/test'],
	// End-to-end tests need a real n8n: they run under test/e2e/jest.config.js.
	testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/e2e/'],
	testMatch: ['**/*.test.ts'],
	transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.test.json' }] },
	setupFiles: ['<rootDir>/test/setup-env.ts'],
	testTimeout: 60_000,
	// Tests share one 2-core machine with the sandbox servers they start.
	maxWorkers: 2,
};
