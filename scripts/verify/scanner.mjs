// n8n's community package scanner (@n8n/scan-community-package), loaded as a library: its lint
// config and its analyser, the two pieces `npm run lint` and `npm run scan` run offline. The
// scanner makes a scratch folder in os.tmpdir() when it loads and never removes it; loading it
// with TMPDIR pointed at a folder of ours lets us remove that folder on exit.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const scratch = mkdtempSync(join(tmpdir(), 'n8n-scanner-'));
process.on('exit', () => rmSync(scratch, { recursive: true, force: true }));

const previous = process.env.TMPDIR;
process.env.TMPDIR = scratch;
const scanner = await import('@n8n/scan-community-package/scanner/scanner.mjs');
if (previous === undefined) delete process.env.TMPDIR;
else process.env.TMPDIR = previous;

/** The flat ESLint config the scanner lints a package with (inline `eslint-disable` has no effect there). */
export const buildScanConfig = scanner.buildScanConfig;

/** Lints `dir` as the scanner does: `{ passed, message?, details? }`. */
export const analyzePackage = scanner.analyzePackage;

/** What the scanner lints in the package's source: package.json and nodes/, credentials/. */
export const SOURCE_FILE_PATTERNS = scanner.SOURCE_FILE_PATTERNS;

/** What it lints in the published tarball. */
export const TARBALL_FILE_PATTERNS = ['**/*.js', 'package.json'];
