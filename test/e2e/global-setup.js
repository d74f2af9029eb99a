// Jest globalSetup for the e2e suite: a fresh machine has no n8n cached, so install it here (a few
// minutes once, then a stamp check) instead of skipping; then build the package the tests pack.
'use strict';

const { spawnSync } = require('node:child_process');
const { ensureInstalled, REPO_ROOT } = require('../../scripts/n8n/install');

module.exports = async function globalSetup() {
	ensureInstalled({ log: (m) => process.stderr.write(`${m}\n`) });

	// Test the current source, not a stale dist/. Skipped when the tests point at another built
	// package (ATHENA_E2E_PACKAGE_DIR) or the caller built already (ATHENA_E2E_SKIP_BUILD=1).
	if (!process.env.ATHENA_E2E_PACKAGE_DIR && process.env.ATHENA_E2E_SKIP_BUILD !== '1') {
		const res = spawnSync('npm', ['run', 'build'], { cwd: REPO_ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
		if (res.status !== 0) throw new Error(`npm run build failed (exit ${res.status}); the e2e tests need dist/`);
	}
};
