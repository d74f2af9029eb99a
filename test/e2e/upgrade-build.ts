// The package as users have it before they press "Update": built from an earlier commit of this
// repository, packed, and cached by commit under .cache/upgrade/ so that reruns skip the build.
import { spawnSync } from 'node:child_process';
import {
	existsSync,
	mkdirSync,
	mkdtempSync,
	readdirSync,
	renameSync,
	rmSync,
	symlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { packPackage } from '../../scripts/n8n/pack';
import { REPO_ROOT } from './realN8n';

/**
 * The version users upgrade from: the newest `v*` release tag once there is one; until then this
 * commit of main (0.1.0 before the architecture move: the trigger at nodes/AthenahealthTrigger/).
 */
export const UPGRADE_FROM_COMMIT = '7769cfb';

export interface OldPackage {
	/** The tag or commit named above. */
	ref: string;
	commit: string;
	tarball: string;
	/** Whether the tarball came from the cache. */
	cached: boolean;
}

function git(args: string[]): { status: number | null; stdout: string; stderr: string } {
	const res = spawnSync('git', args, { cwd: REPO_ROOT, encoding: 'utf8' });
	return { status: res.status, stdout: res.stdout?.trim() ?? '', stderr: res.stderr?.trim() ?? '' };
}

function run(cmd: string, args: string[], cwd: string): void {
	const res = spawnSync(cmd, args, { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
	if (res.status !== 0) {
		throw new Error(
			`${cmd} ${args.join(' ')} (in ${cwd}) exited with ${res.status ?? res.signal}:\n${res.stderr}${res.stdout}`,
		);
	}
}

/** The newest `v*` tag, else UPGRADE_FROM_COMMIT; fails clearly when the clone lacks it. */
export function upgradeFromRef(): { ref: string; commit: string } {
	const tags = git(['tag', '--list', 'v*', '--sort=-v:refname']);
	const ref = (tags.status === 0 && tags.stdout.split('\n').find(Boolean)) || UPGRADE_FROM_COMMIT;
	if (git(['cat-file', '-e', `${ref}^{commit}`]).status !== 0) {
		throw new Error(
			`the upgrade suite builds the package from ${ref}, which this clone does not have: ` +
				'it needs the full history (CI: actions/checkout with fetch-depth: 0; locally: git fetch --unshallow --tags)',
		);
	}
	return { ref, commit: git(['rev-parse', `${ref}^{commit}`]).stdout };
}

/**
 * The old package's tarball: `git archive` of the commit into a temp folder, this checkout's
 * node_modules linked in, the commit's own build script (its tsconfig and gulpfile), `npm pack`.
 */
export function oldPackage(log: (message: string) => void = () => {}): OldPackage {
	const { ref, commit } = upgradeFromRef();
	const cacheDir = join(REPO_ROOT, '.cache', 'upgrade', commit);
	const cachedTarball = () => readdirSync(cacheDir).find((file) => file.endsWith('.tgz'));
	if (existsSync(cacheDir) && cachedTarball()) {
		return { ref, commit, tarball: join(cacheDir, cachedTarball()!), cached: true };
	}
	const t0 = Date.now();
	const work = mkdtempSync(join(tmpdir(), 'athena-upgrade-build-'));
	try {
		const source = join(work, 'source');
		mkdirSync(source);
		run(
			'sh',
			['-c', `git -C "${REPO_ROOT}" archive --format=tar ${commit} | tar -x -C "${source}"`],
			work,
		);
		symlinkSync(join(REPO_ROOT, 'node_modules'), join(source, 'node_modules'), 'dir');
		run('npm', ['run', 'build', '--silent'], source);
		// Packed beside the cache entry, then renamed: a half-written entry never counts as built.
		const staging = `${cacheDir}.${process.pid}.tmp`;
		rmSync(staging, { recursive: true, force: true });
		mkdirSync(staging, { recursive: true });
		const { file } = packPackage(source, staging);
		rmSync(cacheDir, { recursive: true, force: true });
		renameSync(staging, cacheDir);
		log(
			`[upgrade] built and packed ${ref} (${commit.slice(0, 7)}) in ${((Date.now() - t0) / 1000).toFixed(1)} s`,
		);
		return { ref, commit, tarball: join(cacheDir, file.split('/').pop()!), cached: false };
	} finally {
		rmSync(work, { recursive: true, force: true });
	}
}
