// Jest globalSetup for the e2e suite: a fresh machine has no n8n cached, so install it here (a few
// minutes once, then a stamp check) instead of skipping; then build the package the tests pack.
'use strict';

const { spawnSync } = require('node:child_process');
const { existsSync } = require('node:fs');
const { ensureInstalled, REPO_ROOT } = require('../../scripts/n8n/install');

/**
 * The browser test drives Debian's Chromium. `npm test` is the README's one test command on a fresh
 * machine, so install it here when missing and we are root (as on the project's machines and CI);
 * otherwise the browser test fails with the command to run.
 */
function ensureChromium(log) {
	const path = process.env.ATHENA_E2E_CHROMIUM ?? '/usr/bin/chromium';
	if (existsSync(path) || process.env.ATHENA_E2E_CHROMIUM || process.getuid?.() !== 0) return;
	log('[e2e] installing Debian chromium for the browser test (about 30 s)');
	for (const args of [
		['update', '-qq'],
		['install', '-y', '-qq', 'chromium'],
	]) {
		const res = spawnSync('apt-get', args, { stdio: ['ignore', 'inherit', 'inherit'] });
		if (res.status !== 0)
			return log(
				`[e2e] apt-get ${args[0]} failed (exit ${res.status}); the browser test will say what to do`,
			);
	}
}

module.exports = async function globalSetup() {
	const log = (m) => process.stderr.write(`${m}\n`);
	ensureInstalled({ log });
	ensureChromium(log);

	// Test the current source, not a stale dist/. Skipped when the tests point at another built
	// package (ATHENA_E2E_PACKAGE_DIR) or the caller built already (ATHENA_E2E_SKIP_BUILD=1).
	if (!process.env.ATHENA_E2E_PACKAGE_DIR && process.env.ATHENA_E2E_SKIP_BUILD !== '1') {
		const res = spawnSync('npm', ['run', 'build'], {
			cwd: REPO_ROOT,
			stdio: ['ignore', 'inherit', 'inherit'],
		});
		if (res.status !== 0)
			throw new Error(`npm run build failed (exit ${res.status}); the e2e tests need dist/`);
	}
};
