// `npm test` and `npm run dev` are the README's quick start on a fresh clone: install the
// lockfile's devDependencies first when node_modules is missing or older than the lockfile.
const { execSync } = require('node:child_process');
const { existsSync, statSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');
const installed = join(root, 'node_modules', '.package-lock.json');
const lock = join(root, 'package-lock.json');

if (!existsSync(installed) || statSync(installed).mtimeMs < statSync(lock).mtimeMs) {
	console.log('Installing devDependencies (npm ci: exactly the lockfile)...');
	execSync('npm ci --no-audit --no-fund', { cwd: root, stdio: 'inherit' });
}
