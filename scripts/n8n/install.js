#!/usr/bin/env node
// Installs Node 24 and the pinned n8n into a cache folder outside git (default <repo>/.cache/n8n,
// or $ATHENA_N8N_CACHE). Idempotent: a stamp file records what is installed; a second run with the
// same pins does nothing. Runs on the machine's Node (20); everything comes from the npm registry.
//
//   node scripts/n8n/install.js          install if needed, print each step with its duration
//   require('./install').ensureInstalled() -> paths, for dev.js and jest's globalSetup
'use strict';

const { spawnSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const RUNTIME_TEMPLATE = path.join(__dirname, 'runtime'); // committed package.json + package-lock.json

// n8n >= 2.36 needs Node >= 24; the npm registry ships it as node-<platform>-<arch> (what `node@24`
// installs from its preinstall script). Installing that package directly avoids the nested npm run
// and lets the exact version be pinned.
const NODE_VERSION = '24.21.0';
const N8N_VERSION = require('./runtime/package.json').dependencies.n8n;

function cacheDir() {
	return process.env.ATHENA_N8N_CACHE
		? path.resolve(process.env.ATHENA_N8N_CACHE)
		: path.join(REPO_ROOT, '.cache', 'n8n');
}

function nodePackageName() {
	const platform = process.platform === 'win32' ? 'win' : process.platform;
	return `node-${platform}-${process.arch}`;
}

/** Where everything lives inside the cache. */
function paths(cache = cacheDir()) {
	const nodeDir = path.join(cache, 'node', 'node_modules', nodePackageName());
	const n8nDir = path.join(cache, 'n8n');
	return {
		cache,
		nodeDir, // also the "nodedir" for node-gyp: it carries include/node
		nodeBin: path.join(nodeDir, 'bin', 'node'),
		n8nDir,
		n8nBin: path.join(n8nDir, 'node_modules', 'n8n', 'bin', 'n8n'),
		stamp: path.join(cache, 'stamp.json'),
		nodeVersion: NODE_VERSION,
		n8nVersion: N8N_VERSION,
	};
}

/** What the stamp must say for the cache to count as installed. */
function wantedStamp() {
	const hash = crypto.createHash('sha256');
	for (const file of ['package.json', 'package-lock.json']) {
		const full = path.join(RUNTIME_TEMPLATE, file);
		if (fs.existsSync(full)) hash.update(fs.readFileSync(full));
	}
	return {
		node: NODE_VERSION,
		nodePackage: nodePackageName(),
		n8n: N8N_VERSION,
		template: hash.digest('hex'),
	};
}

function isInstalled(p = paths()) {
	try {
		const stamp = JSON.parse(fs.readFileSync(p.stamp, 'utf8'));
		const want = wantedStamp();
		return (
			Object.keys(want).every((k) => stamp[k] === want[k]) &&
			fs.existsSync(p.nodeBin) &&
			fs.existsSync(p.n8nBin)
		);
	} catch {
		return false;
	}
}

/** Environment for npm so that it (via `#!/usr/bin/env node`) and node-gyp run on Node 24. */
function node24Env(p) {
	return {
		...process.env,
		PATH: `${path.dirname(p.nodeBin)}${path.delimiter}${process.env.PATH}`,
		npm_config_nodedir: p.nodeDir, // headers for native builds, no header download
		// sqlite3's install script first tries a prebuilt binary from GitHub: we download npm
		// packages only, so go straight to node-gyp.
		npm_config_build_from_source: 'true',
		npm_config_fund: 'false',
		npm_config_audit: 'false',
		npm_config_update_notifier: 'false',
		// npm's resolver peaks near 3.5 GB on n8n's tree; small CI runners default to a lower heap.
		NODE_OPTIONS: process.env.NODE_OPTIONS || '--max-old-space-size=4096',
	};
}

function run(cmd, args, opts) {
	const res = spawnSync(cmd, args, { stdio: ['ignore', 'inherit', 'inherit'], ...opts });
	if (res.error) throw new Error(`${cmd} ${args.join(' ')}: ${res.error.message}`);
	if (res.status !== 0) {
		throw new Error(
			`${cmd} ${args.join(' ')} (in ${opts.cwd}) exited with ${res.status ?? res.signal}`,
		);
	}
}

function step(log, name, fn) {
	const t0 = process.hrtime.bigint();
	log(`[n8n-install] ${name} ...`);
	fn();
	const s = Number(process.hrtime.bigint() - t0) / 1e9;
	log(`[n8n-install] ${name}: done in ${s.toFixed(1)} s`);
}

function writeJson(file, value) {
	fs.writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);
}

// A second installer (dev.js while jest's globalSetup runs) waits instead of racing in the same folder.
function withLock(cache, log, fn) {
	const lock = path.join(cache, '.install.lock');
	fs.mkdirSync(cache, { recursive: true });
	for (let waited = 0; ; waited++) {
		try {
			fs.writeFileSync(lock, String(process.pid), { flag: 'wx' });
			break;
		} catch (err) {
			if (err.code !== 'EEXIST') throw err;
			const owner = Number(fs.readFileSync(lock, 'utf8'));
			let alive = false;
			try {
				process.kill(owner, 0);
				alive = owner !== process.pid;
			} catch {}
			if (!alive) {
				fs.rmSync(lock, { force: true });
				continue;
			}
			if (waited === 0) log(`[n8n-install] another install (pid ${owner}) is running; waiting`);
			Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 2000);
		}
	}
	try {
		return fn();
	} finally {
		fs.rmSync(lock, { force: true });
	}
}

/** Installs what is missing; returns paths(). Throws with a clear message on failure. */
function ensureInstalled({ log = (m) => console.error(m) } = {}) {
	const p = paths();
	const t0 = Date.now();
	if (isInstalled(p)) {
		log(
			`[n8n-install] Node ${NODE_VERSION} + n8n ${N8N_VERSION} already in ${p.cache} (${Date.now() - t0} ms)`,
		);
		return p;
	}
	return withLock(p.cache, log, () => {
		if (isInstalled(p)) return p; // the other installer finished it
		fs.rmSync(p.stamp, { force: true }); // a half-finished install must not look complete
		log(`[n8n-install] installing Node ${NODE_VERSION} + n8n ${N8N_VERSION} into ${p.cache}`);

		const nodeProject = path.join(p.cache, 'node');
		step(log, `Node ${NODE_VERSION} (npm package ${nodePackageName()})`, () => {
			fs.mkdirSync(nodeProject, { recursive: true });
			writeJson(path.join(nodeProject, 'package.json'), {
				private: true,
				dependencies: { [nodePackageName()]: NODE_VERSION },
			});
			run('npm', ['install', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'], {
				cwd: nodeProject,
			});
			const version = spawnSync(p.nodeBin, ['-v'], { encoding: 'utf8' }).stdout?.trim();
			if (version !== `v${NODE_VERSION}`) throw new Error(`${p.nodeBin} -v printed "${version}"`);
		});

		const env = node24Env(p);
		const lockTemplate = path.join(RUNTIME_TEMPLATE, 'package-lock.json');
		const hasLock = fs.existsSync(lockTemplate);
		step(
			log,
			`n8n ${N8N_VERSION} (npm install --legacy-peer-deps --ignore-scripts${hasLock ? ', committed lockfile' : ''})`,
			() => {
				fs.mkdirSync(p.n8nDir, { recursive: true });
				fs.copyFileSync(
					path.join(RUNTIME_TEMPLATE, 'package.json'),
					path.join(p.n8nDir, 'package.json'),
				);
				if (hasLock) fs.copyFileSync(lockTemplate, path.join(p.n8nDir, 'package-lock.json'));
				else fs.rmSync(path.join(p.n8nDir, 'package-lock.json'), { force: true });
				// --legacy-peer-deps always: npm's default peer resolution loops for 20+ minutes on
				// n8n's langchain peers. Install scripts stay off; only sqlite3 needs one (next step).
				// `npm install`, not `npm ci`: the registry lacks some optional platform packages
				// (@msgpackr-extract/*-darwin-*), so the lockfile cannot list them and `npm ci` calls it
				// out of sync. `npm install` still takes every locked version from the lockfile.
				const args = [
					'install',
					'--legacy-peer-deps',
					'--ignore-scripts',
					'--no-audit',
					'--no-fund',
					'--loglevel=error',
				];
				run('npm', args, { cwd: p.n8nDir, env });
				if (!hasLock) {
					log(
						`[n8n-install] no committed lockfile: copy ${path.join(p.n8nDir, 'package-lock.json')} to ${lockTemplate} to pin the tree`,
					);
				}
			},
		);

		const sqliteLoads = () =>
			spawnSync(p.nodeBin, ['-e', "require('sqlite3')"], { cwd: p.n8nDir, encoding: 'utf8' });
		step(log, 'npm rebuild sqlite3 (node-gyp against Node 24 headers)', () => {
			// A re-run over an existing tree (new lockfile) keeps sqlite3's build if it still loads.
			if (sqliteLoads().status === 0) return log('[n8n-install] sqlite3 already built for Node 24');
			run('npm', ['rebuild', 'sqlite3', '--ignore-scripts=false', '--loglevel=error'], {
				cwd: p.n8nDir,
				env,
			});
			// Prove the native module loads in Node 24 before calling the install good.
			const check = sqliteLoads();
			if (check.status !== 0)
				throw new Error(`sqlite3 does not load on Node ${NODE_VERSION}:\n${check.stderr}`);
		});

		writeJson(p.stamp, { ...wantedStamp(), installedAt: new Date().toISOString() });
		log(`[n8n-install] installed in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
		return p;
	});
}

module.exports = {
	ensureInstalled,
	isInstalled,
	paths,
	node24Env,
	REPO_ROOT,
	NODE_VERSION,
	N8N_VERSION,
};

if (require.main === module) {
	try {
		ensureInstalled();
	} catch (err) {
		console.error(`[n8n-install] FAILED: ${err.message}`);
		console.error(
			'[n8n-install] the cache stays unstamped; rerun to retry (delete the cache folder to start clean)',
		);
		process.exit(1);
	}
}
