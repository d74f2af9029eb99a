import type { IDataObject } from 'n8n-workflow';

import { META_KEY, type RecordOrigin, type RecordTransform } from '../drain';
import { normaliseRecordInPlace } from './normalise';

export { META_KEY };

/**
 * What each changed record carries under `_athena`, beside athena's own fields (types normalised).
 */
export interface AthenaMeta {
	/** The feed's catalog id, e.g. `appointments`. */
	feed: string;
	/**
	 * The record's own event name when it names one, else the event when the subscription holds
	 * exactly one, else null: athena's records carry no event name (docs/athena-contract.md#reading-a-feed).
	 */
	event: string | null;
	/** The record's department, else the batch's when it read one department, else null. */
	departmentId: number | null;
	practiceId: number;
	/** ISO time of athena's answer (athena's clock). */
	retrievedAt: string;
	/**
	 * True when the record was read again from athena's processed window (crash recovery, or the
	 * action's read of already-processed records) rather than taken from the queue.
	 */
	replayed: boolean;
	/**
	 * athena's daily request quota after the call that read the record (X-RateLimit headers;
	 * resets at midnight GMT), or null when athena sent none.
	 */
	quota: { limit: number; remaining: number } | null;
}

export interface TransformConfig {
	feed: string;
	practiceId: number;
	/** Events to keep; empty keeps all. Applied to records that name their event. */
	keepEvents?: readonly string[];
	/** The event every record is for, when the subscription holds exactly one. */
	knownEvent?: string;
}

/** Runs once per record: kept cheap (normalised in place, no closures per record). */
export function makeTransform(config: TransformConfig): RecordTransform {
	const keep = config.keepEvents?.length ? new Set(config.keepEvents) : undefined;
	const knownEvent = config.knownEvent ?? null;
	return (record, origin: RecordOrigin) => {
		const named = typeof record.eventname === 'string' ? record.eventname : undefined;
		if (keep && named !== undefined && !keep.has(named)) return undefined;
		const json = normaliseRecordInPlace(record as IDataObject);
		const department = json.departmentid;
		const meta: AthenaMeta = {
			feed: config.feed,
			event: named ?? knownEvent,
			departmentId:
				typeof department === 'number'
					? department
					: origin.departmentIds?.length === 1
						? origin.departmentIds[0]
						: null,
			practiceId: config.practiceId,
			retrievedAt: origin.retrievedAt,
			replayed: origin.recovered,
			quota: origin.quota ? { limit: origin.quota.limit, remaining: origin.quota.remaining } : null,
		};
		json[META_KEY] = meta;
		return json;
	};
}
