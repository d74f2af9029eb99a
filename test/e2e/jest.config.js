/** End-to-end tests against a real n8n: `npx jest -c test/e2e/jest.config.js`. */
module.exports = {
	rootDir: '../..',
	testEnvironment: 'node',
	roots: ['<rootDir>/test/e2e'],
	testMatch: ['**/*.e2e.test.ts'],
	transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.test.json' }] },
	globalSetup: '<rootDir>/test/e2e/global-setup.js',
	// Each suite starts its own n8n (0.5-0.8 GB with its task runner, ready in 5-9 s): one at a time.
	maxWorkers: 1,
	testTimeout: 180_000,
};
