// `npm run scan`: the lint legs of n8n's community package scanner (@n8n/scan-community-package),
// run offline with the scanner's own analyser, on the source and on the tarball `npm pack` makes.
// Expects a fresh build in dist/ (the npm script builds first). Exits 1 when a leg finds errors.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

import { SOURCE_FILE_PATTERNS, TARBALL_FILE_PATTERNS, analyzePackage } from './scanner.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Files below `dir` the scanner's patterns reach (its globs, counted here for the report). */
function count(dir, accept) {
	let n = 0;
	for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
		const path = relative(dir, join(entry.parentPath ?? entry.path, entry.name));
		if (entry.isFile() && !path.split('/').includes('node_modules') && accept(path)) n++;
	}
	return n;
}

function report(leg, files, result) {
	console.log(
		`${result.passed ? 'passed' : 'FAILED'}  ${leg}: ${files} files linted${result.passed ? ', no errors' : ''}`,
	);
	if (!result.passed) console.log(result.details ?? result.message);
	return result.passed;
}

const sourceFiles = count(
	root,
	(path) => path === 'package.json' || /^(nodes|credentials)\/.*\.(js|ts|json)$/.test(path),
);
const source = await analyzePackage(root, SOURCE_FILE_PATTERNS);

const work = mkdtempSync(join(tmpdir(), 'scan-tarball-'));
let tarball;
try {
	const [packed] = JSON.parse(
		execFileSync('npm', ['pack', '--json', '--pack-destination', work], {
			cwd: root,
			encoding: 'utf8',
		}),
	);
	const unpacked = join(work, 'package');
	execFileSync('tar', ['-xzf', join(work, packed.filename), '-C', work]);
	const files = count(unpacked, (path) => path === 'package.json' || path.endsWith('.js'));
	tarball = {
		name: packed.filename,
		files,
		result: await analyzePackage(unpacked, TARBALL_FILE_PATTERNS),
	};
} finally {
	rmSync(work, { recursive: true, force: true });
}

console.log('n8n community package scanner (@n8n/scan-community-package), lint legs, offline:');
const ok = [
	report('source (package.json, nodes/, credentials/)', sourceFiles, source),
	report(`tarball ${tarball.name} (*.js, package.json)`, tarball.files, tarball.result),
].every(Boolean);
console.log(
	'not run   provenance: the scanner first checks the npm provenance attestation of the published\n' +
		'          version and lints the source at the commit it names. Only a publish from GitHub Actions\n' +
		'          (.github/workflows/publish.yml) creates one, so that step cannot pass before a real publish.',
);
process.exit(ok ? 0 : 1);
