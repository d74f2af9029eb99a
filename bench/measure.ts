import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * A full garbage collection, so heap figures start from what is really retained. Works without
 * `--expose-gc` on the command line: the flag is set at run time and `gc` taken from a fresh context.
 */
export const collect: () => void = (() => {
	const exposed = (globalThis as { gc?: () => void }).gc;
	if (exposed) return exposed;
	setFlagsFromString('--expose-gc');
	return runInNewContext('gc') as () => void;
})();

/** Heap in use now (bytes). */
export const heapUsed = () => getHeapStatistics().used_heap_size;

/**
 * Samples heapUsed every `everyMs` (whenever the event loop gets a turn) and on demand; `peak` is
 * the highest heapUsed seen. The drain awaits I/O between pages, so the sampler runs between them.
 */
export class HeapSampler {
	peak = 0;
	samples = 0;
	private timer?: NodeJS.Timeout;

	start(everyMs = 2): void {
		this.sample();
		this.timer = setInterval(() => this.sample(), everyMs);
	}

	sample(): void {
		// Same figure as process.memoryUsage().heapUsed, without reading the process's RSS each time.
		const used = getHeapStatistics().used_heap_size;
		this.samples++;
		if (used > this.peak) this.peak = used;
	}

	stop(): void {
		this.sample();
		clearInterval(this.timer);
	}
}

/** Wall and CPU time of one async task, in ms. */
export async function timed<T>(
	task: () => Promise<T>,
): Promise<{ value: T; wallMs: number; cpuMs: number }> {
	const cpu = process.cpuUsage();
	const started = performance.now();
	const value = await task();
	const wallMs = performance.now() - started;
	const used = process.cpuUsage(cpu);
	return { value, wallMs, cpuMs: (used.user + used.system) / 1000 };
}

export function median(values: readonly number[]): number {
	const sorted = [...values].sort((a, b) => a - b);
	const middle = sorted.length >> 1;
	return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The minimum calls to drain `perBatch` records per department batch: floor(n/1000)+1 each (seed rules). */
export function minimumCalls(perBatch: readonly number[], pageSize = 1000): number {
	return perBatch.reduce((sum, n) => sum + Math.floor(n / pageSize) + 1, 0);
}
