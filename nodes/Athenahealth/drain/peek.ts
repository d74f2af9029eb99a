import { departmentBatches } from './batches';
import { Halt, Run, type RunOptions } from './run';
import type { DrainRecord, PageQuota } from './types';

export interface PeekResult {
	items: DrainRecord[];
	/** athena's clock at its first answer. */
	serverTime?: number;
	/** The lowest daily quota athena reported. */
	quota?: PageQuota;
	error?: unknown;
}

/**
 * Reads up to `limit` records with athena's `leaveunprocessed` flag, batch after batch, one call at
 * a time: nothing is removed from the queue (manual test runs, and the first poll's clock reading).
 */
export async function peek(
	options: RunOptions & { departmentIds?: readonly number[]; limit: number },
): Promise<PeekResult> {
	const run = new Run(options);
	let serverTime: number | undefined;
	const batches = departmentBatches(options.departmentIds);
	try {
		for (const departmentIds of batches) {
			const limit = options.limit - run.items.length;
			if (limit <= 0 || !run.checkTime()) break;
			const page = await run.call(
				'peek',
				{ departmentIds, limit, leaveUnprocessed: true },
				{ departmentIds },
			);
			serverTime ??= page.serverTime;
			run.emit(page, { departmentIds }, false);
		}
	} catch (error) {
		if (!(error instanceof Halt)) run.fail(error);
	}
	return { items: run.items, serverTime, quota: run.quota, error: run.error };
}
