import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { FEEDS } from '../../nodes/Athenahealth/feeds/catalog';
import { readmeWithTable } from '../../scripts/docs/feedTable';

const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');

describe('README', () => {
	test('its feed table is the catalog (run `npm run docs` after changing the catalog)', () => {
		expect(readme).toBe(readmeWithTable(readme));
		for (const feed of FEEDS) expect(readme).toContain(`| ${feed.name} |`);
	});

	test('gives the two quick-start commands', () => {
		expect(readme).toContain('npm run dev');
		expect(readme).toContain('npm test');
	});
});
