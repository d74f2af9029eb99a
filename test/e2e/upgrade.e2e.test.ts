// The upgrade scenario (upgradeScenario.ts) in one n8n with its SQLite database: the old package in
// its user folder, n8n stopped, the new package laid out over the old, n8n started.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

import { paths } from '../../scripts/n8n/install';
import { startE2eN8n } from './realN8n';
import { describeUpgrade, type UpgradeTarget } from './upgradeScenario';

/**
 * The static data n8n has in its database for a workflow, read while n8n is stopped: exactly what
 * the new version loads. n8n's sqlite3 is built for its Node 24, so the read runs there.
 */
function staticDataInDb(userFolder: string, workflowId: string): Record<string, any> {
	const p = paths();
	const script = `
		const sqlite3 = require('sqlite3');
		const db = new sqlite3.Database(process.argv[1], sqlite3.OPEN_READONLY);
		db.get('SELECT "staticData" FROM workflow_entity WHERE id = ?', [process.argv[2]], (err, row) => {
			if (err) { console.error(err.message); process.exit(1); }
			process.stdout.write(row && row.staticData ? row.staticData : 'null');
			db.close();
		});`;
	const res = spawnSync(
		p.nodeBin,
		['-e', script, join(userFolder, '.n8n', 'database.sqlite'), workflowId],
		{
			cwd: p.n8nDir,
			encoding: 'utf8',
		},
	);
	if (res.status !== 0)
		throw new Error(`reading static data from n8n's database failed: ${res.stderr}`);
	return JSON.parse(res.stdout) ?? {};
}

async function singleN8n(oldTarball: string): Promise<UpgradeTarget> {
	let n8n = await startE2eN8n({ tarball: oldTarball });
	return {
		get url() {
			return n8n.url;
		},
		get api() {
			return n8n.api;
		},
		userFolders: () => [n8n.userFolder],
		pollerLogs: () => n8n.logs(),
		allLogs: () => n8n.logs(),
		nodeTypes: () => n8n.nodeTypes(),
		staticDataInDb: (workflowId) => staticDataInDb(n8n.userFolder, workflowId),
		async restart(whileStopped) {
			n8n = await n8n.restart({ whileStopped });
		},
		stop: async () => {
			await n8n.stop();
		},
	};
}

describeUpgrade('updating the package under active workflows', singleN8n);
