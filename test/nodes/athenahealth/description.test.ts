import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import { FEEDS } from '../../../nodes/Athenahealth/feeds/catalog';
import { DOCUMENT_SOURCES } from '../../../nodes/Athenahealth/reference/patientCase';
import { node } from './helpers';

const { description } = node;
const properties = description.properties;

function operations(resource: string): INodePropertyOptions[] {
	const property = properties.find((candidate) => candidate.name === 'operation' && candidate.displayOptions?.show?.resource?.includes(resource));
	return (property?.options ?? []) as INodePropertyOptions[];
}

function fieldsOf(resource: string, operation: string): INodeProperties[] {
	return properties.filter(
		(property) => property.displayOptions?.show?.resource?.includes(resource) && property.displayOptions?.show?.operation?.includes(operation),
	);
}

describe('node description', () => {
	test('is an AI-usable action node with both icons, the credential and the pickers', () => {
		expect(description.usableAsTool).toBe(true);
		expect(description.icon).toEqual({ light: 'file:athenahealth.svg', dark: 'file:athenahealth.dark.svg' });
		expect(description.credentials).toEqual([{ name: 'athenahealthApi', required: true }]);
		expect(Object.keys(node.methods.loadOptions).sort()).toEqual(['getCloseReasons', 'getDepartments', 'getFeedEvents', 'getProviders']);
	});

	test('offers every operation of the issue, each with an action an agent can act on', () => {
		expect(operations('patientCase').map((option) => option.value)).toEqual(['addActionNote', 'assign', 'close', 'create', 'get', 'getActionNotes', 'getMany', 'reopen', 'update']);
		expect(operations('subscription').map((option) => option.value)).toEqual(['getEvents', 'getStatus', 'subscribe', 'unsubscribe']);
		for (const option of [...operations('patientCase'), ...operations('subscription')]) {
			expect(option.action).toMatch(/^[A-Z][a-z]+ /);
			expect(String(option.description).length).toBeGreaterThan(20);
		}
	});

	test('every field of an operation has a description, and the required ones are the seed\'s', () => {
		const undescribed: string[] = [];
		for (const resource of ['patientCase', 'subscription']) {
			for (const { value } of operations(resource)) {
				for (const field of fieldsOf(resource, String(value))) {
					const described = field.type === 'collection' ? ((field.options ?? []) as INodeProperties[]) : [field];
					for (const entry of described) {
						if (entry.type !== 'notice' && !entry.description) undescribed.push(`${String(value)}.${entry.name}`);
					}
				}
			}
		}
		expect(undescribed).toEqual([]);
		const required = fieldsOf('patientCase', 'create').filter((field) => field.required).map((field) => field.name);
		expect(required).toEqual(['patientId', 'departmentId', 'providerId', 'documentSource', 'documentSubclass']);
		expect(fieldsOf('patientCase', 'update').filter((field) => field.required).map((field) => field.name)).toEqual(['patientId', 'patientCaseId']);
	});

	test('update offers every create field but department and auto close, and says why', () => {
		const optionNames = (field: INodeProperties | undefined) => ((field?.options ?? []) as INodeProperties[]).map((option) => option.name).sort();
		const createFields = fieldsOf('patientCase', 'create');
		const createNames = [...createFields.map((field) => field.name), ...optionNames(createFields.find((field) => field.name === 'additionalFields'))]
			.filter((name) => !['patientId', 'additionalFields', 'departmentId', 'autoClose'].includes(name))
			.sort();
		const updateFields = fieldsOf('patientCase', 'update').find((field) => field.name === 'updateFields');
		expect(optionNames(updateFields)).toEqual(createNames);
		expect(updateFields?.description).toContain('Department and Auto Close cannot be changed');
	});

	test("the patient-case choices are exactly athena's lists", () => {
		const values = (field: INodeProperties | undefined) => ((field?.options ?? []) as INodePropertyOptions[]).map((option) => option.value);
		const create = fieldsOf('patientCase', 'create');
		const additional = (create.find((field) => field.name === 'additionalFields')?.options ?? []) as INodeProperties[];
		expect(values(create.find((field) => field.name === 'documentSource'))).toEqual(
			['PATIENT', 'CAREGIVER', 'PARTNER', 'PHARMACY', 'LAB', 'PCP', 'SPECIALIST', 'STAFF', 'HOSPITAL', 'OTHER', 'PORTAL', 'Live Operator'],
		);
		expect(values(create.find((field) => field.name === 'documentSubclass'))).toEqual(
			['PATIENTCASE', 'ADMINISTRATIVE', 'BILLING', 'CLINICALQUESTION', 'ELECTRONICMEDICALRECORDS', 'MEDICALRECORDS', 'MEDICATION', 'NEWRX', 'OTHER', 'PATIENTNOSHOW', 'REFERRAL', 'REFILL'],
		);
		const callbackType = additional.find((field) => field.name === 'callbackNumberType');
		expect(values(callbackType)).toEqual(['', 'home', 'work', 'mobile', 'emergency contact', 'guarantor']);
		expect(callbackType?.default).toBe('');
		expect(values(additional.find((field) => field.name === 'priority'))).toEqual(['1', '2']);
		const filters = (fieldsOf('patientCase', 'getMany').find((field) => field.name === 'filters')?.options ?? []) as INodeProperties[];
		const status = filters.find((field) => field.name === 'status');
		expect(values(status)).toEqual([
			'open',
			...['ADMINISTER', 'CLOSED', 'DATAENTRY', 'DELETED', 'DISPENSE', 'FOLLOWUP', 'HOLD', 'NOTIFY', 'PEND', 'PENDING', 'PENDINGLABEL', 'PERFORM', 'REVIEW'],
			...['SCHEDULE', 'SCHEDULED', 'SUBMIT', 'SUBMITTED'],
		]);
		expect(values(status)).not.toContain('OPEN');
		// The default must be a valid choice: Open Only.
		expect(values(status)).toContain(status?.default);
	});

	test('sources, feeds and optional events come from the reference and the catalog', () => {
		const source = fieldsOf('patientCase', 'create').find((field) => field.name === 'documentSource');
		expect((source?.options as INodePropertyOptions[]).map((option) => option.value)).toEqual([...DOCUMENT_SOURCES]);
		const feed = fieldsOf('subscription', 'subscribe').find((field) => field.name === 'feed');
		expect((feed?.options as INodePropertyOptions[]).map((option) => option.value)).toEqual(FEEDS.map((entry) => entry.id));
		const optional = fieldsOf('subscription', 'subscribe').filter((field) => field.name === 'includeOptionalEvent');
		expect(optional.map((field) => field.displayOptions?.show?.feed)).toEqual([['appointments'], ['claims']]);
	});

	test('the delay notice is shown for subscribe and unsubscribe only', () => {
		const notices = properties.filter((property) => property.type === 'notice' && property.displayOptions?.show?.resource?.includes('subscription'));
		expect(notices.flatMap((notice) => notice.displayOptions?.show?.operation)).toEqual(['subscribe', 'unsubscribe']);
		expect(notices[0].displayName).toMatch(/about 10 minutes.*15 to 20 minutes in the preview/);
	});

	test('the codex file is valid and names this node', () => {
		const codex = JSON.parse(readFileSync(join(__dirname, '../../../nodes/Athenahealth/Athenahealth.node.json'), 'utf8'));
		expect(codex).toMatchObject({ node: 'n8n-nodes-athenahealth.athenahealth', nodeVersion: '1.0', codexVersion: '1.0' });
		expect(codex.resources.primaryDocumentation.length).toBeGreaterThan(0);
	});
});
