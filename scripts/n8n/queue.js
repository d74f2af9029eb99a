#!/usr/bin/env node
// n8n in queue mode on this machine: PostgreSQL 15 and Redis 7 from Debian's packages (installed
// with apt-get when missing), run unprivileged in a temp dir on loopback ports, an n8n main and
// `n8n worker` processes with EXECUTIONS_MODE=queue, each with its own user folder holding the
// packed package as n8n's installer lays it out (n8n installs a community package on the main and
// has each worker install the same version into its own folder). Used by `npm run dev -- --queue`
// and the queue-mode e2e suites; types in queue.d.ts.
//
//   node scripts/n8n/queue.js        start everything, print the URLs, Ctrl-C stops it all
'use strict';

const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { freePort, startN8n, HOST } = require('./n8n-process');
const { installPackedPackage } = require('./pack');

const PG_BIN = '/usr/lib/postgresql/15/bin';
const DATABASE = 'n8n';
const DB_USER = 'n8n';

function onPath(binary) {
	return (process.env.PATH ?? '')
		.split(path.delimiter)
		.some((dir) => fs.existsSync(path.join(dir, binary)));
}

function run(cmd, args, options = {}) {
	const res = spawnSync(cmd, args, { encoding: 'utf8', ...options });
	if (res.error) throw new Error(`${cmd} ${args.join(' ')}: ${res.error.message}`);
	if (res.status !== 0)
		throw new Error(
			`${cmd} ${args.join(' ')} exited with ${res.status}:\n${res.stderr}${res.stdout}`,
		);
	return res.stdout;
}

/** Installs Debian's postgresql and redis-server when missing (as root, as on CI); says what to run otherwise. */
function ensurePackages(log = () => {}) {
	const missing = [];
	if (!fs.existsSync(path.join(PG_BIN, 'initdb'))) missing.push('postgresql');
	if (!onPath('redis-server') && !fs.existsSync('/usr/bin/redis-server'))
		missing.push('redis-server');
	if (missing.length === 0) return;
	if (process.getuid?.() !== 0)
		throw new Error(
			`queue mode needs ${missing.join(' and ')}: run \`apt-get install -y ${missing.join(' ')}\` as root`,
		);
	const t0 = Date.now();
	log(`[queue] apt-get install -y ${missing.join(' ')}`);
	const install = () =>
		spawnSync('apt-get', ['install', '-y', '-qq', ...missing], {
			stdio: ['ignore', 'ignore', 'inherit'],
		});
	if (install().status !== 0) {
		spawnSync('apt-get', ['update', '-qq'], { stdio: ['ignore', 'ignore', 'inherit'] });
		const again = install();
		if (again.status !== 0)
			throw new Error(`apt-get install ${missing.join(' ')} failed (exit ${again.status})`);
	}
	log(`[queue] installed in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}

/** PostgreSQL refuses to run as root: as root its tools run as the `postgres` user the package creates. */
function pgRunner(dir) {
	if (process.getuid?.() !== 0)
		return (binary, args) => run(path.join(PG_BIN, binary), args, { cwd: dir });
	const uid = Number(run('id', ['-u', 'postgres']).trim());
	const gid = Number(run('id', ['-g', 'postgres']).trim());
	fs.chownSync(dir, uid, gid);
	return (binary, args) =>
		run('runuser', ['-u', 'postgres', '--', path.join(PG_BIN, binary), ...args], { cwd: dir });
}

async function startPostgres({ base, log = () => {} }) {
	const t0 = Date.now();
	const dir = fs.mkdtempSync(path.join(base, 'pg-'));
	const pg = pgRunner(dir);
	const data = path.join(dir, 'data');
	const port = await freePort();
	pg('initdb', ['-D', data, '-A', 'trust', '-U', DB_USER, '--no-sync']);
	pg('pg_ctl', [
		'-D',
		data,
		'-o',
		`-k ${dir} -p ${port} -c listen_addresses=${HOST} -c fsync=off`,
		'-l',
		path.join(dir, 'postgres.log'),
		'-w',
		'start',
	]);
	pg('createdb', ['-h', HOST, '-p', String(port), '-U', DB_USER, DATABASE]);
	log(`[queue] PostgreSQL on ${HOST}:${port} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
	return {
		port,
		dir,
		/** One SQL statement through psql (a client: it runs as any user); the rows, tab-separated. */
		query: (sql) =>
			run(path.join(PG_BIN, 'psql'), [
				'-X',
				'-At',
				'-h',
				HOST,
				'-p',
				String(port),
				'-U',
				DB_USER,
				'-d',
				DATABASE,
				'-c',
				sql,
			]),
		stop: () => {
			try {
				pg('pg_ctl', ['-D', data, '-m', 'immediate', 'stop']);
			} catch {}
		},
	};
}

async function startRedis({ base, log = () => {} }) {
	const dir = fs.mkdtempSync(path.join(base, 'redis-'));
	const port = await freePort();
	const pidFile = path.join(dir, 'redis.pid');
	const binary = fs.existsSync('/usr/bin/redis-server') ? '/usr/bin/redis-server' : 'redis-server';
	run(binary, [
		'--port',
		String(port),
		'--bind',
		HOST,
		'--dir',
		dir,
		'--save',
		'',
		'--appendonly',
		'no',
		'--daemonize',
		'yes',
		'--pidfile',
		pidFile,
		'--logfile',
		path.join(dir, 'redis.log'),
	]);
	for (let i = 0; i < 50 && !fs.existsSync(pidFile); i++)
		await new Promise((r) => setTimeout(r, 100));
	log(`[queue] Redis on ${HOST}:${port}`);
	return {
		port,
		dir,
		stop: () => {
			try {
				process.kill(Number(fs.readFileSync(pidFile, 'utf8').trim()), 'SIGKILL');
			} catch {}
		},
	};
}

/**
 * Starts PostgreSQL, Redis, an n8n main and `workers` n8n workers (concurrency 5 each), all on
 * loopback with the same encryption key (n8n-process.js's fixed key), the package built in
 * `packageDir` (or the packed `tarball`) installed for each. Returns handles to each process,
 * restartMain()/startWorker() for crash tests and restart() for an update. stop() ends everything
 * and deletes the temp dir (kept with ATHENA_E2E_KEEP=1).
 */
async function startQueue({
	workers = 2,
	packageDir,
	tarball,
	port,
	env = {},
	log = () => {},
	echo = false,
	concurrency = 5,
} = {}) {
	ensurePackages(log);
	const base = fs.mkdtempSync(path.join(os.tmpdir(), 'athena-queue-'));
	fs.chmodSync(base, 0o755);
	const stops = [];
	const stopAll = async () => {
		for (const stop of stops.reverse()) await stop();
		stops.length = 0;
		if (process.env.ATHENA_E2E_KEEP !== '1') fs.rmSync(base, { recursive: true, force: true });
	};
	try {
		const [pg, redis] = await Promise.all([
			startPostgres({ base, log }),
			startRedis({ base, log }),
		]);
		stops.push(pg.stop, redis.stop);
		const common = {
			EXECUTIONS_MODE: 'queue',
			DB_TYPE: 'postgresdb',
			DB_POSTGRESDB_HOST: HOST,
			DB_POSTGRESDB_PORT: String(pg.port),
			DB_POSTGRESDB_DATABASE: DATABASE,
			DB_POSTGRESDB_USER: DB_USER,
			DB_POSTGRESDB_PASSWORD: 'n8n',
			QUEUE_BULL_REDIS_HOST: HOST,
			QUEUE_BULL_REDIS_PORT: String(redis.port),
			...env,
		};
		const folder = (name) => {
			const dir = path.join(base, name);
			installPackedPackage({ userFolder: dir, packageDir, tarball, log: () => {} });
			return dir;
		};
		const mainFolder = folder('main');
		const t0 = Date.now();
		const startMain = async (mainPort) =>
			await startN8n({ userFolder: mainFolder, port: mainPort, env: common, echo: echo && 'main' });
		let main = await startMain(port);
		const mainPort = main.port;
		log(`[queue] main ready on ${main.url} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);

		const workerList = [];
		const startWorker = async (index) => {
			const userFolder = workerList[index]?.userFolder ?? folder(`worker-${index + 1}`);
			const healthPort = await freePort();
			const t1 = Date.now();
			const worker = await startN8n({
				userFolder,
				command: 'worker',
				args: [`--concurrency=${concurrency}`],
				healthUrl: `http://${HOST}:${healthPort}/healthz`,
				env: {
					...common,
					QUEUE_HEALTH_CHECK_ACTIVE: 'true',
					QUEUE_HEALTH_CHECK_PORT: String(healthPort),
				},
				echo: echo && `worker-${index + 1}`,
			});
			worker.name = `worker-${index + 1}`;
			workerList[index] = worker;
			log(
				`[queue] ${worker.name} ready (pid ${worker.pid}) in ${((Date.now() - t1) / 1000).toFixed(1)} s`,
			);
			return worker;
		};
		await Promise.all(Array.from({ length: workers }, (_, index) => startWorker(index)));
		stops.push(async () => {
			await Promise.all([main.stop(), ...workerList.map((worker) => worker.stop())]);
		});
		return {
			base,
			postgres: pg,
			redis,
			get main() {
				return main;
			},
			workers: workerList,
			startWorker,
			/** Starts the main again on the same port and database, after it stopped or was killed. */
			async restartMain() {
				if (!main.exited()) await main.stop();
				main = await startMain(mainPort);
				return main;
			},
			/**
			 * Stops the main, then the workers once they finished what they run (SIGTERM, as a service
			 * manager does), runs `whileStopped`, and starts them all again on the same folders,
			 * database and Redis: an update of the package, or of n8n.
			 */
			async restart({ whileStopped } = {}) {
				const exits = [
					await main.stop(),
					...(await Promise.all(workerList.map((worker) => worker.stop()))),
				];
				if (exits.some((exit) => exit?.signal === 'SIGKILL'))
					throw new Error('an n8n process did not stop on SIGTERM within 20 s; it was killed');
				await whileStopped?.();
				main = await startMain(mainPort);
				await Promise.all(workerList.map((_, index) => startWorker(index)));
				return main;
			},
			/**
			 * Which worker ran an execution, from its log ("Worker started execution N"): this run's
			 * output, or its log file, which keeps what the worker's earlier runs printed.
			 */
			workerOf(executionId) {
				const pattern = new RegExp(`started execution ${executionId}\\b`);
				const logged = (worker) => {
					try {
						return fs.readFileSync(worker.logFile, 'utf8');
					} catch {
						return '';
					}
				};
				return workerList.find(
					(worker) => pattern.test(worker.logs()) || pattern.test(logged(worker)),
				)?.name;
			},
			stop: stopAll,
		};
	} catch (error) {
		await stopAll();
		throw error;
	}
}

module.exports = { startQueue, ensurePackages, PG_BIN };

if (require.main === module) {
	const { ensureInstalled } = require('./install');
	const log = (m) => console.log(m);
	ensureInstalled({ log });
	startQueue({ log, echo: true })
		.then((queue) => {
			log(
				`[queue] n8n main ${queue.main.url}; workers ${queue.workers.map((w) => w.name).join(', ')}; Ctrl-C stops it all`,
			);
			const stop = () => queue.stop().then(() => process.exit(0));
			process.on('SIGINT', stop);
			process.on('SIGTERM', stop);
		})
		.catch((error) => {
			console.error(`[queue] FAILED: ${error.message}`);
			process.exit(1);
		});
}
