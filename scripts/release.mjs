// `npm run release`: publishes this version to npm with a provenance statement, which n8n requires
// of verified community nodes and which npm can only make in a CI job with an OIDC identity. So it
// runs in GitHub Actions only (.github/workflows/publish.yml, on a pushed version tag); anywhere
// else it refuses and says how to release. A plain `npm publish` is refused too: package.json's
// publishConfig asks npm for provenance, which npm cannot make on a workstation.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const { version } = JSON.parse(readFileSync('package.json', 'utf8'));

function refuse(message) {
	console.error(message);
	process.exit(1);
}

if (process.env.GITHUB_ACTIONS !== 'true') {
	refuse(
		[
			'npm run release publishes from GitHub Actions only: n8n verifies packages published with npm',
			'provenance, which npm cannot produce on this machine. To release a version:',
			'  1. add its entry to CHANGELOG.md and commit;',
			'  2. npm version <patch|minor|major>   (bumps package.json, commits, tags vX.Y.Z);',
			'  3. git push --follow-tags            (publish.yml lints, scans, builds and publishes the tag).',
		].join('\n'),
	);
}

const tag = process.env.GITHUB_REF_NAME;
if (tag !== `v${version}`)
	refuse(`The tag ${tag} does not match package.json's version ${version} (expected v${version}).`);
if (
	!new RegExp(`^## \\[?${version.replace(/\./g, '\\.')}\\]?`, 'm').test(
		readFileSync('CHANGELOG.md', 'utf8'),
	)
) {
	refuse(`CHANGELOG.md has no entry for ${version}.`);
}

const npm = (...args) =>
	execFileSync('npm', args, { stdio: 'inherit', env: { ...process.env, RELEASE_MODE: 'true' } });
npm('run', 'lint');
npm('run', 'scan'); // builds dist/ first
npm('publish', '--provenance', '--access', 'public');
