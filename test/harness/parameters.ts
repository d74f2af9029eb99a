import type { INodeParameters } from 'n8n-workflow';

/**
 * A valid set of parameters for every operation of the action node, against the sandbox's seed
 * (patient 12, department 3, provider 4, case 173696 once created). Tables of malformed input
 * change one field of these, so each row shows exactly what makes it wrong.
 */
export const VALID = {
	create: {
		resource: 'patientCase',
		operation: 'create',
		patientId: '12',
		departmentId: '3',
		providerId: '4',
		documentSource: 'PATIENT',
		documentSubclass: 'PATIENTCASE',
	},
	update: {
		resource: 'patientCase',
		operation: 'update',
		patientId: '12',
		patientCaseId: '173696',
		updateFields: { subject: 'ok' },
	},
	get: { resource: 'patientCase', operation: 'get', patientId: '12', patientCaseId: '173696' },
	getMany: {
		resource: 'patientCase',
		operation: 'getMany',
		patientId: '12',
		departmentId: '1',
		returnAll: false,
		limit: 5,
	},
	close: {
		resource: 'patientCase',
		operation: 'close',
		patientId: '12',
		patientCaseId: '173696',
		closeReasonId: '1',
	},
	reopen: {
		resource: 'patientCase',
		operation: 'reopen',
		patientId: '12',
		patientCaseId: '173696',
	},
	assign: {
		resource: 'patientCase',
		operation: 'assign',
		patientId: '12',
		patientCaseId: '173696',
		username: 'mnurse2',
	},
	addActionNote: {
		resource: 'patientCase',
		operation: 'addActionNote',
		patientCaseId: '173696',
		actionNote: 'Called back.',
	},
	getActionNotes: {
		resource: 'patientCase',
		operation: 'getActionNotes',
		patientCaseId: '173696',
		returnAll: false,
		limit: 5,
	},
	getEvents: { resource: 'subscription', operation: 'getEvents', feed: 'appointments' },
	getStatus: { resource: 'subscription', operation: 'getStatus', feed: 'appointments' },
	subscribe: { resource: 'subscription', operation: 'subscribe', feed: 'patients', scope: 'all' },
	unsubscribe: {
		resource: 'subscription',
		operation: 'unsubscribe',
		feed: 'patients',
		scope: 'all',
	},
	read: {
		resource: 'changedData',
		operation: 'read',
		feed: 'appointments',
		source: 'queue',
		drainUntilEmpty: false,
		limit: 10,
	},
} satisfies Record<string, INodeParameters>;
