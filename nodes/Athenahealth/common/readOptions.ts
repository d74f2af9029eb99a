import type { IDataObject, INodeProperties } from 'n8n-workflow';

import { DEFAULT_CONCURRENCY, MAX_CONCURRENCY } from '../drain';
import { FEEDS, type FeedDefinition, type FeedReadOption } from '../feeds/catalog';

/** How many department batches a drain reads at once: an option of the trigger and of Changed Data > Read. */
export const parallelBatchesOption: INodeProperties = {
	displayName: 'Parallel Batches',
	name: 'parallelBatches',
	type: 'number',
	typeOptions: { minValue: 1, maxValue: MAX_CONCURRENCY },
	default: DEFAULT_CONCURRENCY,
	description:
		'Department batches read at the same time (never two calls for one department). athena does not publish its per-second limits: raise with care.',
};

/** The share of athena's daily quota a drain leaves for other work by default. */
export const DEFAULT_QUOTA_RESERVE_PERCENT = 5;

/** A reserve of athena's daily request quota: an option of the trigger and of Changed Data > Read. */
export const stopBelowQuotaOption: INodeProperties = {
	displayName: 'Stop Below Remaining Quota',
	name: 'stopBelowQuota',
	type: 'number',
	typeOptions: { minValue: 0, maxValue: 100, numberPrecision: 1 },
	default: DEFAULT_QUOTA_RESERVE_PERCENT,
	description:
		"Percent of athena's daily request quota (X-RateLimit-Limit, 50,000 a day in preview; it resets at midnight GMT) to keep for other work. Once fewer requests remain, the read stops cleanly and the rest stays queued in athena. 0 never stops early.",
};

/**
 * The catalog's feed-specific read options (e.g. Show Insurance for appointments) as fields of an
 * Options collection, each shown only for the feeds that take it: athena ignores a parameter a feed
 * does not take (docs/athena-contract.md#the-feeds). Shared by the trigger and the action's Changed
 * Data read. Field names are athena's parameter names.
 */
export function readOptionFields(): INodeProperties[] {
	const byParam = new Map<string, { option: FeedReadOption; feeds: string[] }>();
	for (const feed of FEEDS) {
		for (const option of feed.readOptions ?? []) {
			const entry = byParam.get(option.param) ?? { option, feeds: [] };
			entry.feeds.push(feed.id);
			byParam.set(option.param, entry);
		}
	}
	return [...byParam.values()].map(({ option, feeds }) => ({
		displayName: option.displayName,
		name: option.param,
		type: option.type === 'boolean' ? ('boolean' as const) : ('string' as const),
		default: option.type === 'boolean' ? false : '',
		...(option.type === 'ids' ? { placeholder: '12,34' } : {}),
		description: option.description,
		displayOptions: { show: { '/feed': feeds } },
	}));
}

/** Comma-separated ids. */
const ID_LIST = /^\s*[1-9]\d{0,9}(\s*,\s*[1-9]\d{0,9})*\s*$/;
/** One code such as an order type: letters, digits, spaces and a few separators, never a query. */
const WORD = /^[A-Za-z0-9][A-Za-z0-9 _/-]{0,49}$/;

/**
 * The feed's read options from an Options collection, as athena's query; options of other feeds
 * are ignored. `problem` names the first malformed field (the value is never quoted).
 */
export function readOptionQuery(
	feed: FeedDefinition,
	options: IDataObject,
): { query: IDataObject; problem?: string } {
	const query: IDataObject = {};
	for (const option of feed.readOptions ?? []) {
		const value = options[option.param];
		if (value === undefined || value === '' || value === false) continue;
		if (option.type === 'boolean') {
			if (value !== true) return { query, problem: `${option.displayName} must be true or false` };
			query[option.param] = 'true';
		} else if (option.type === 'word') {
			if (typeof value !== 'string' || !WORD.test(value.trim())) {
				return {
					query,
					problem: `${option.displayName} must be one code of letters and digits, such as LAB`,
				};
			}
			query[option.param] = value.trim();
		} else if (typeof value === 'string' && ID_LIST.test(value)) {
			query[option.param] = value.replace(/\s+/g, '');
		} else if (typeof value === 'number' && Number.isInteger(value) && value > 0) {
			query[option.param] = String(value);
		} else {
			return {
				query,
				problem: `${option.displayName} must be IDs separated by commas, such as 12,34`,
			};
		}
	}
	return { query };
}

/**
 * The Options collection of the trigger and of Changed Data > Read: the node's own options and
 * Parallel Batches and Stop Below Remaining Quota in alphabetical order, then the feeds' read options.
 */
export function feedOptionsCollection(own: INodeProperties[] = []): INodeProperties {
	const general = [...own, parallelBatchesOption, stopBelowQuotaOption].sort((a, b) =>
		a.displayName.localeCompare(b.displayName),
	);
	return {
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [...general, ...readOptionFields()],
	};
}
