/** Defaults both nodes share, so the trigger and Changed Data > Read behave alike. */

/** Records one poll or one read takes at most by default; the rest stays queued in athena. */
export const DEFAULT_MAX_RECORDS = 10_000;
