/**
 * The changed-data drain: plain TypeScript that imports nothing from n8n, the request layer or the
 * nodes (a lint rule and a test guard it). Its I/O is passed in (`fetchPage`, `classify`, `sleep`,
 * `now`): the trigger and the action's Changed Data read bind it to athena in common/changedFeed.ts,
 * the tests and benchmarks to their own fakes. Words it uses: docs/athena-contract.md#glossary.
 */
export { DEFAULT_RETRY, backoffDelay, type RetryPolicy } from './backoff';
export { BATCH_SIZE, departmentBatches } from './batches';
export { drain, type DrainOptions, type DrainResult } from './drain';
export { replay, type ReplayOptions } from './replay';
export { EASTERN_ZONE, easternWindow, formatEastern } from './eastern';
export { FINGERPRINT_CAP, META_KEY, boundFingerprints, fingerprint } from './fingerprint';
export { peek, type PeekResult } from './peek';
export { recordsOf, toQuery } from './query';
export { CLOCK_TOLERANCE_MS, floorSecond } from './recovery';
export {
	DEFAULT_CONCURRENCY,
	MAX_CONCURRENCY,
	PAGE_SIZE,
	type DrainStats,
	type RunOptions,
	type StopReason,
} from './run';
export type * from './types';
