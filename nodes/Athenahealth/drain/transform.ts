import type { IDataObject } from 'n8n-workflow';

import { normaliseRecordInPlace } from '../shared/normalise';
import type { RecordOrigin, RecordTransform } from './types';

/**
 * Each output record carries athena's fields (types normalised) plus this key:
 * `{ feed, event, departmentId, practiceId, retrievedAt, replayed }`.
 * - event: the record's own event name when it names one, else the event when the subscription
 *   holds exactly one, else null (athena's records carry no event name, athena-api.md);
 * - departmentId: the record's department, else the batch's when it read one department, else null;
 * - retrievedAt: ISO time of athena's answer (athena's clock);
 * - replayed: true when the record was read again from athena's processed window (crash recovery,
 *   or the action's read of already-processed records) rather than taken from the queue.
 */
export const META_KEY = '_athena';

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
	return (record: IDataObject, origin: RecordOrigin) => {
		const named = typeof record.eventname === 'string' ? record.eventname : undefined;
		if (keep && named !== undefined && !keep.has(named)) return undefined;
		const json = normaliseRecordInPlace(record);
		const department = json.departmentid;
		json[META_KEY] = {
			feed: config.feed,
			event: named ?? knownEvent,
			departmentId:
				typeof department === 'number' ? department : origin.departmentIds?.length === 1 ? origin.departmentIds[0] : null,
			practiceId: config.practiceId,
			retrievedAt: origin.retrievedAt,
			replayed: origin.recovered,
		};
		return json;
	};
}
