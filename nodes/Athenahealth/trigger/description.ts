import type { INodeProperties } from 'n8n-workflow';

import { DEFAULT_MAX_RECORDS } from '../common/defaults';
import { departmentIdsField, feedField } from '../common/feedFields';
import { simplifyOffField, simplifyOnField } from '../common/output';
import { practiceField } from '../common/practice';
import { feedOptionsCollection } from '../common/readOptions';

/** The trigger's parameters. The feed parameter is named `feed` so getFeedEvents can read it. */
export const properties: INodeProperties[] = [
	{
		displayName:
			'athena deletes records nobody reads within 24 hours and removes a subscription that is not read for 7 days. Subscription changes take about 10 minutes to take effect (15 to 20 in preview).',
		name: 'retentionNotice',
		type: 'notice',
		default: '',
	},
	{
		displayName:
			'The first records arrive after a few polls: the first poll subscribes the feed if needed (athena takes about 10 minutes to apply it) and marks where reading starts, so nothing is lost if n8n restarts.',
		name: 'firstPollsNotice',
		type: 'notice',
		default: '',
		displayOptions: { show: { '@version': [{ _cnd: { gte: 1.1 } }] } },
	},
	feedField,
	{
		displayName: 'Event Names or IDs',
		name: 'events',
		type: 'multiOptions',
		typeOptions: { loadOptionsMethod: 'getFeedEvents', loadOptionsDependsOn: ['feed'] },
		default: [],
		description:
			'Events to keep; leave empty for all. athena\'s records do not name their event, so the filter works through the subscription: with Subscribe Automatically on, only these events are subscribed. Choose from the list, or specify IDs using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
	},
	departmentIdsField(
		'Departments to read, 20 per call as athena advises for large practices; leave empty for the whole practice. Shown only for feeds whose reads athena limits by department.',
		'read',
	),
	simplifyOffField('record'),
	simplifyOnField('record'),
	practiceField,
	feedOptionsCollection([
		{
			displayName: 'Crash Recovery Replay',
			name: 'crashRecovery',
			type: 'boolean',
			default: true,
			description:
				'Whether to read again, after n8n restarts, what athena removed from the queue but n8n never saved, and emit only what was not emitted. The first poll then only marks where to start.',
		},
		{
			displayName: 'Max Records per Poll',
			name: 'maxRecordsPerPoll',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: DEFAULT_MAX_RECORDS,
			description:
				'Records to read in one poll at most; the rest stays queued in athena for the next poll',
		},
		{
			// The editor cannot go below athena's one read a minute; the check in settings.ts still
			// takes 0, which only tests pass (through the parameter, without the editor).
			displayName: 'Min Interval (Seconds)',
			name: 'minIntervalSeconds',
			type: 'number',
			typeOptions: { minValue: 60 },
			default: 60,
			description:
				'Seconds between two reads of the feed at least: athena allows one a minute. Polls sooner than this return nothing.',
		},
		{
			displayName: 'Subscribe Automatically',
			name: 'autoSubscribe',
			type: 'boolean',
			default: true,
			description:
				'Whether to subscribe to the feed (the chosen events and departments) when it is not subscribed. Records queue from then on.',
		},
	]),
];
