// `npm test` and `npm run dev` are the README's quick start on a fresh clone: install the
// lockfile's devDependencies first when node_modules is missing or older than the lockfile.
const { execSync } = require('node:child_process');
const { existsSync, statSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');
const installed = join(root, 'node_modules', '.package-lock.json');
const lock = join(root, 'package-lock.json');

if (!existsSync(installed) || statSync(installed).mtimeMs < statSync(lock).mtimeMs) {
	// Not `npm ci`: see .ci/run (optional builds for other platforms are missing from the registry here).
	console.log('Installing devDependencies (npm install with the lockfile)...');
	execSync('npm install --no-audit --no-fund', { cwd: root, stdio: 'inherit' });
}
