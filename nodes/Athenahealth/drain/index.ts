/**
 * The changed-data drain: plain TypeScript that knows nothing of n8n (only `athena.ts` reaches
 * athena through the request layer). The trigger, the action's Changed Data read and the
 * benchmarks all drive this same code.
 */
export { athenaFetchPage } from './athena';
export { BATCH_SIZE, departmentBatches } from './batches';
export { drain, type DrainOptions, type DrainResult } from './drain';
export { replay, type ReplayOptions } from './replay';
export { EASTERN_ZONE, easternWindow, formatEastern } from './eastern';
export { classifyFailure } from './failure';
export { FINGERPRINT_CAP, boundFingerprints, fingerprint } from './fingerprint';
export { peek, type PeekResult } from './peek';
export { recordsOf, toQuery } from './query';
export { CLOCK_TOLERANCE_MS, floorSecond } from './recovery';
export { DEFAULT_CONCURRENCY, MAX_CONCURRENCY, PAGE_SIZE, type DrainStats, type RunOptions } from './run';
export { INTERVAL_SLACK_MS, drainDue, isLive, loadState, releaseLease, saveState, setLive, takeLease } from './state';
export { META_KEY, makeTransform, type TransformConfig } from './transform';
export type * from './types';
