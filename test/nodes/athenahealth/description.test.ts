import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';
import { NodeHelpers } from 'n8n-workflow';

import { FEEDS } from '../../../nodes/Athenahealth/feeds/catalog';
import { DOCUMENT_SOURCES } from '../../../nodes/Athenahealth/reference/patientCase';
import { makeNode } from '../../harness/n8n';
import { node } from './helpers';

const { description } = node;
const properties = description.properties;

function operations(resource: string): INodePropertyOptions[] {
	const property = properties.find(
		(candidate) =>
			candidate.name === 'operation' &&
			candidate.displayOptions?.show?.resource?.includes(resource),
	);
	return (property?.options ?? []) as INodePropertyOptions[];
}

function fieldsOf(resource: string, operation: string): INodeProperties[] {
	return properties.filter(
		(property) =>
			property.displayOptions?.show?.resource?.includes(resource) &&
			property.displayOptions?.show?.operation?.includes(operation),
	);
}

describe('node description', () => {
	test('is an AI-usable action node with both icons, the credential and the pickers', () => {
		expect(description.usableAsTool).toBe(true);
		expect(description.icon).toEqual({
			light: 'file:athenahealth.svg',
			dark: 'file:athenahealth.dark.svg',
		});
		expect(description.credentials).toEqual([{ name: 'athenahealthApi', required: true }]);
		expect(Object.keys(node.methods.loadOptions).sort()).toEqual([
			'getCloseReasons',
			'getDepartments',
			'getFeedEvents',
			'getProviders',
		]);
	});

	test('offers every operation of the issue, each with an action an agent can act on', () => {
		expect(operations('patientCase').map((option) => option.value)).toEqual([
			'addActionNote',
			'assign',
			'close',
			'create',
			'get',
			'getActionNotes',
			'getMany',
			'reopen',
			'update',
		]);
		expect(operations('subscription').map((option) => option.value)).toEqual([
			'getEvents',
			'getStatus',
			'subscribe',
			'unsubscribe',
		]);
		for (const option of [...operations('patientCase'), ...operations('subscription')]) {
			expect(option.action).toMatch(/^[A-Z][a-z]+ /);
			expect(String(option.description).length).toBeGreaterThan(20);
		}
	});

	test("every field of an operation has a description, and the required ones are the seed's", () => {
		const undescribed: string[] = [];
		for (const resource of ['patientCase', 'subscription']) {
			for (const { value } of operations(resource)) {
				for (const field of fieldsOf(resource, String(value))) {
					const described =
						field.type === 'collection' ? ((field.options ?? []) as INodeProperties[]) : [field];
					for (const entry of described) {
						if (entry.type !== 'notice' && !entry.description)
							undescribed.push(`${String(value)}.${entry.name}`);
					}
				}
			}
		}
		expect(undescribed).toEqual([]);
		const required = fieldsOf('patientCase', 'create')
			.filter((field) => field.required)
			.map((field) => field.name);
		expect(required).toEqual([
			'patientId',
			'departmentId',
			'providerId',
			'documentSource',
			'documentSubclass',
		]);
		expect(
			fieldsOf('patientCase', 'update')
				.filter((field) => field.required)
				.map((field) => field.name),
		).toEqual(['patientId', 'patientCaseId']);
	});

	test("the action-note operations' Patient is optional, left empty in either mode, and says it is not sent", () => {
		for (const operation of ['addActionNote', 'getActionNotes']) {
			const patient = fieldsOf('patientCase', operation).find(
				(field) => field.name === 'patientId',
			);
			expect(patient).toMatchObject({ type: 'resourceLocator', required: false });
			expect(patient?.description).toMatch(/Not sent to athena/);
			expect(
				fieldsOf('patientCase', operation)
					.filter((field) => field.required)
					.map((field) => field.name),
			).toEqual(
				operation === 'addActionNote' ? ['patientCaseId', 'actionNote'] : ['patientCaseId'],
			);
			for (const patientId of [
				undefined,
				{ __rl: true, mode: 'list', value: '' },
				{ __rl: true, mode: 'id', value: '' },
			]) {
				const parameters = {
					resource: 'patientCase',
					operation,
					patientCaseId: { __rl: true, mode: 'id', value: '12' },
					actionNote: 'Called back.',
					...(patientId ? { patientId } : {}),
				};
				const built = makeNode(node, parameters);
				expect(NodeHelpers.getNodeParametersIssues(properties, built, node.description)).toBeNull();
			}
			const typo = makeNode(node, {
				resource: 'patientCase',
				operation,
				patientCaseId: '12',
				actionNote: 'x',
				patientId: { __rl: true, mode: 'id', value: '1a' },
			});
			expect(
				NodeHelpers.getNodeParametersIssues(properties, typo, node.description)?.parameters
					?.patientId,
			).toEqual(['Enter a positive whole number, such as 1234']);
		}
	});

	test('update offers every create field but department and auto close, and says why', () => {
		const optionNames = (field: INodeProperties | undefined) =>
			((field?.options ?? []) as INodeProperties[]).map((option) => option.name).sort();
		const createFields = fieldsOf('patientCase', 'create');
		const createNames = [
			...createFields.map((field) => field.name),
			...optionNames(createFields.find((field) => field.name === 'additionalFields')),
		]
			.filter(
				(name) => !['patientId', 'additionalFields', 'departmentId', 'autoClose'].includes(name),
			)
			.sort();
		const updateFields = fieldsOf('patientCase', 'update').find(
			(field) => field.name === 'updateFields',
		);
		expect(optionNames(updateFields)).toEqual(createNames);
		expect(updateFields?.description).toContain('Department and Auto Close cannot be changed');
	});

	test("the patient-case choices are exactly athena's lists", () => {
		const values = (field: INodeProperties | undefined) =>
			((field?.options ?? []) as INodePropertyOptions[]).map((option) => option.value);
		const create = fieldsOf('patientCase', 'create');
		const additional = (create.find((field) => field.name === 'additionalFields')?.options ??
			[]) as INodeProperties[];
		expect(values(create.find((field) => field.name === 'documentSource'))).toEqual([
			'PATIENT',
			'CAREGIVER',
			'PARTNER',
			'PHARMACY',
			'LAB',
			'PCP',
			'SPECIALIST',
			'STAFF',
			'HOSPITAL',
			'OTHER',
			'PORTAL',
			'Live Operator',
		]);
		expect(values(create.find((field) => field.name === 'documentSubclass'))).toEqual([
			'PATIENTCASE',
			'ADMINISTRATIVE',
			'BILLING',
			'CLINICALQUESTION',
			'ELECTRONICMEDICALRECORDS',
			'MEDICALRECORDS',
			'MEDICATION',
			'NEWRX',
			'OTHER',
			'PATIENTNOSHOW',
			'REFERRAL',
			'REFILL',
		]);
		const callbackType = additional.find((field) => field.name === 'callbackNumberType');
		expect(values(callbackType)).toEqual([
			'',
			'home',
			'work',
			'mobile',
			'emergency contact',
			'guarantor',
		]);
		expect(callbackType?.default).toBe('');
		expect(values(additional.find((field) => field.name === 'priority'))).toEqual(['1', '2']);
		const filters = (fieldsOf('patientCase', 'getMany').find((field) => field.name === 'filters')
			?.options ?? []) as INodeProperties[];
		const status = filters.find((field) => field.name === 'status');
		expect(values(status)).toEqual([
			'open',
			...[
				'ADMINISTER',
				'CLOSED',
				'DATAENTRY',
				'DELETED',
				'DISPENSE',
				'FOLLOWUP',
				'HOLD',
				'NOTIFY',
				'PEND',
				'PENDING',
				'PENDINGLABEL',
				'PERFORM',
				'REVIEW',
			],
			...['SCHEDULE', 'SCHEDULED', 'SUBMIT', 'SUBMITTED'],
		]);
		expect(values(status)).not.toContain('OPEN');
		// The default must be a valid choice: Open Only.
		expect(values(status)).toContain(status?.default);
	});

	test('sources, feeds and optional events come from the reference and the catalog', () => {
		const source = fieldsOf('patientCase', 'create').find(
			(field) => field.name === 'documentSource',
		);
		expect((source?.options as INodePropertyOptions[]).map((option) => option.value)).toEqual([
			...DOCUMENT_SOURCES,
		]);
		const feed = fieldsOf('subscription', 'subscribe').find((field) => field.name === 'feed');
		expect((feed?.options as INodePropertyOptions[]).map((option) => option.value)).toEqual(
			FEEDS.map((entry) => entry.id),
		);
		// The default is a literal (n8n's linter wants one): it must stay a feed of the catalog.
		expect(FEEDS.map((entry) => entry.id)).toContain(feed?.default);
		// A feed's first optional event keeps the parameter name earlier versions saved.
		const switches = ['includeOptionalEvent', 'includesuggestedoverbooking'];
		const optional = fieldsOf('subscription', 'subscribe').filter((field) =>
			switches.includes(field.name),
		);
		expect(
			optional.map((field) => [field.name, field.displayName, field.displayOptions?.show?.feed]),
		).toEqual([
			['includeOptionalEvent', 'Include UpdateReminderCall', ['appointments']],
			['includesuggestedoverbooking', 'Include UpdateSuggestedOverbooking', ['appointments']],
			['includeOptionalEvent', 'Include CreateClaim', ['claims']],
		]);
		// The department picker shows only for feeds whose subscriptions athena scopes by department.
		const departments = fieldsOf('subscription', 'subscribe').find(
			(field) => field.name === 'departmentIds',
		);
		expect(departments?.displayOptions?.show?.feed).toEqual(
			FEEDS.filter((entry) => entry.departments.subscribe).map((entry) => entry.id),
		);
	});

	test('the delay notice is shown for subscribe and unsubscribe only', () => {
		const notices = properties.filter(
			(property) =>
				property.type === 'notice' &&
				property.displayOptions?.show?.resource?.includes('subscription'),
		);
		expect(notices.flatMap((notice) => notice.displayOptions?.show?.operation)).toEqual([
			'subscribe',
			'unsubscribe',
		]);
		expect(notices[0].displayName).toMatch(/about 10 minutes.*15 to 20 minutes in the preview/);
	});

	test('the codex file is valid and names this node', () => {
		const codex = JSON.parse(
			readFileSync(join(__dirname, '../../../nodes/Athenahealth/Athenahealth.node.json'), 'utf8'),
		);
		expect(codex).toMatchObject({
			node: 'n8n-nodes-athenahealth.athenahealth',
			nodeVersion: '1.0',
			codexVersion: '1.0',
		});
		expect(codex.resources.primaryDocumentation.length).toBeGreaterThan(0);
	});
});
