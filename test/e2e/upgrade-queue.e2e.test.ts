// The upgrade scenario (upgradeScenario.ts) in n8n's queue mode: PostgreSQL, Redis, a main that
// polls and two workers that run the executions, each process with its own user folder holding the
// old package (n8n installs a community package on the main and has every worker install the same
// version). The update stops the main and the workers, lays the new package out in every folder and
// starts them all; the webhook workflow's Create and Update then run on each worker.
import {
	listNodeTypes,
	publicApi,
	setupOwner,
	type Owner,
	type PublicApi,
} from '../../scripts/n8n/n8n-process';
import { startQueue } from '../../scripts/n8n/queue';
import { describeUpgrade, type UpgradeTarget } from './upgradeScenario';

async function queueMode(oldTarball: string): Promise<UpgradeTarget> {
	const queue = await startQueue({
		workers: 2,
		tarball: oldTarball,
		log: (message) => process.stderr.write(`${message}\n`),
	});
	let owner: Owner;
	let api: PublicApi;
	// A fresh API key from each run of the main (as the single-instance restart does).
	const logIn = async () => {
		owner = await setupOwner(queue.main.url);
		api = publicApi(queue.main.url, owner.apiKey);
	};
	await logIn().catch(async (error) => {
		await queue.stop();
		throw error;
	});
	return {
		get url() {
			return queue.main.url;
		},
		get api() {
			return api;
		},
		userFolders: () => [queue.main.userFolder, ...queue.workers.map((worker) => worker.userFolder)],
		pollerLogs: () => queue.main.logs(),
		allLogs: () => [queue.main, ...queue.workers].map((instance) => instance.logs()).join('\n'),
		nodeTypes: () => listNodeTypes(queue.main.url, owner.cookie),
		staticDataInDb(workflowId) {
			if (!/^\w+$/.test(workflowId)) throw new Error(`unexpected workflow id ${workflowId}`);
			const value = queue.postgres
				.query(`SELECT "staticData" FROM workflow_entity WHERE id = '${workflowId}'`)
				.trim();
			return value ? JSON.parse(value) : {};
		},
		async restart(whileStopped) {
			await queue.restart({ whileStopped });
			await logIn();
		},
		workers: {
			names: queue.workers.map((worker) => worker.name),
			of: (executionId) => queue.workerOf(executionId),
		},
		stop: () => queue.stop(),
	};
}

describeUpgrade(
	'updating the package under active workflows in queue mode (main and two workers)',
	queueMode,
);
