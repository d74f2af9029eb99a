/** Seed: for a large practice, call /changed for about 20 departments at a time. */
export const BATCH_SIZE = 20;

/**
 * Disjoint batches of at most `size` departments, duplicates removed, in the given order.
 * No departments means one batch for the whole practice (`undefined`).
 */
export function departmentBatches(
	departmentIds: readonly number[] | undefined,
	size: number = BATCH_SIZE,
): Array<readonly number[] | undefined> {
	const unique = [...new Set(departmentIds ?? [])];
	if (unique.length === 0) return [undefined];
	const batches: number[][] = [];
	for (let index = 0; index < unique.length; index += size)
		batches.push(unique.slice(index, index + size));
	return batches;
}
