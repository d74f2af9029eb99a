#!/usr/bin/env node
// Installs a built community package into an n8n user folder the way n8n 2.41's
// CommunityPackagesService does: `npm pack`, extract into <userFolder>/.n8n/nodes/node_modules/<name>,
// drop dev/peer/optional dependencies, `npm install --ignore-scripts` there, record it in the
// nodes/package.json ledger. Builds nothing: run `npm run build` first.
//
//   node scripts/n8n/pack.js --user-folder <dir> [--package-dir <dir>]
//   require('./pack').installPackedPackage({ userFolder, packageDir }) -> { name, version, dir }
//   require('./pack').installPackedPackage({ userFolder, tarball })   an already packed package
//   (an earlier version, for the upgrade suite)
'use strict';

const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const REPO_ROOT = path.resolve(__dirname, '..', '..');

function run(cmd, args, cwd) {
	const res = spawnSync(cmd, args, { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
	if (res.error) throw new Error(`${cmd} ${args.join(' ')}: ${res.error.message}`);
	if (res.status !== 0) {
		throw new Error(
			`${cmd} ${args.join(' ')} (in ${cwd}) exited with ${res.status}:\n${res.stderr}${res.stdout}`,
		);
	}
	return res.stdout;
}

function readJson(file) {
	return JSON.parse(fs.readFileSync(file, 'utf8'));
}

function installPackedPackage({
	userFolder,
	packageDir = REPO_ROOT,
	tarball,
	log = (m) => console.error(m),
}) {
	if (!userFolder) throw new Error('installPackedPackage: userFolder is required');
	const t0 = Date.now();
	const packDir = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-pack-'));
	try {
		const packed = tarball ? { file: path.resolve(tarball) } : packPackage(packageDir, packDir);
		const { manifest, dir } = layOut(userFolder, packed.file, packDir);
		log(`[n8n-pack] ${manifest.name}@${manifest.version} -> ${dir} (${Date.now() - t0} ms)`);
		return {
			name: manifest.name,
			version: manifest.version,
			dir,
			files: packed.files ?? countFiles(dir),
		};
	} finally {
		fs.rmSync(packDir, { recursive: true, force: true });
	}
}

/** `npm pack` of a built package folder into packDir; returns the tarball and its file count. */
function packPackage(packageDir, packDir) {
	const manifest = readJson(path.join(packageDir, 'package.json'));
	if (!fs.existsSync(path.join(packageDir, 'dist'))) {
		throw new Error(`${packageDir}/dist does not exist: run \`npm run build\` first`);
	}
	// Every file the n8n section names must be in the tarball, or n8n fails to load the package.
	for (const file of [...(manifest.n8n?.nodes ?? []), ...(manifest.n8n?.credentials ?? [])]) {
		if (!fs.existsSync(path.join(packageDir, file))) {
			throw new Error(
				`${manifest.name}: package.json n8n section lists ${file}, which the build did not produce`,
			);
		}
	}
	// --ignore-scripts: nothing may rebuild while packing; the tarball is what `npm publish` would ship.
	const packed = JSON.parse(
		run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', packDir], packageDir),
	);
	return { file: path.join(packDir, packed[0].filename), files: packed[0].files.length };
}

/**
 * What n8n does with the tarball: a clean <userFolder>/.n8n/nodes/node_modules/<name>, no dev, peer
 * or optional dependencies, `npm install` there, the ledger updated. Replacing an installed version
 * is the same steps (n8n's update removes the old folder first).
 */
function layOut(userFolder, tarball, workDir) {
	// npm pack puts everything under package/.
	const manifest = JSON.parse(run('tar', ['-xzf', tarball, '-O', 'package/package.json'], workDir));
	const nodesDir = path.join(userFolder, '.n8n', 'nodes');
	const target = path.join(nodesDir, 'node_modules', manifest.name);
	fs.rmSync(target, { recursive: true, force: true });
	fs.mkdirSync(target, { recursive: true });
	run('tar', ['-xzf', tarball, '-C', target, '--strip-components=1'], workDir);

	const pkgFile = path.join(target, 'package.json');
	const { devDependencies, peerDependencies, optionalDependencies, ...installed } =
		readJson(pkgFile);
	fs.writeFileSync(pkgFile, `${JSON.stringify(installed, null, 2)}\n`);
	// Same flags as n8n: only runtime `dependencies` arrive (ours has none), no scripts.
	run(
		'npm',
		[
			'install',
			'--audit=false',
			'--fund=false',
			'--bin-links=false',
			'--install-strategy=shallow',
			'--ignore-scripts=true',
			'--package-lock=false',
		],
		target,
	);

	// The ledger n8n keeps beside node_modules; n8n rebuilds it from its database if missing.
	const ledgerFile = path.join(nodesDir, 'package.json');
	const ledger = fs.existsSync(ledgerFile)
		? readJson(ledgerFile)
		: { name: 'installed-nodes', private: true, dependencies: {} };
	ledger.dependencies = { ...ledger.dependencies, [manifest.name]: manifest.version };
	fs.writeFileSync(ledgerFile, `${JSON.stringify(ledger, null, 2)}\n`);
	return { manifest, dir: target };
}

function countFiles(dir) {
	return fs
		.readdirSync(dir, { recursive: true, withFileTypes: true })
		.filter((entry) => entry.isFile()).length;
}

module.exports = { installPackedPackage, packPackage };

if (require.main === module) {
	const args = process.argv.slice(2);
	const opt = (name) => {
		const i = args.indexOf(name);
		return i >= 0 ? args[i + 1] : undefined;
	};
	const userFolder = opt('--user-folder');
	if (!userFolder) {
		console.error('usage: node scripts/n8n/pack.js --user-folder <dir> [--package-dir <dir>]');
		process.exit(2);
	}
	try {
		installPackedPackage({
			userFolder: path.resolve(userFolder),
			packageDir: path.resolve(opt('--package-dir') ?? REPO_ROOT),
		});
	} catch (err) {
		console.error(`[n8n-pack] FAILED: ${err.message}`);
		process.exit(1);
	}
}
