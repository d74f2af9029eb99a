import {
	departmentScopeProblem,
	eventNameProblem,
	feedsTakingDepartments,
} from '../../nodes/Athenahealth/common/feedFields';
import { readOptionQuery } from '../../nodes/Athenahealth/common/readOptions';
import { FEEDS, allEvents, getFeed } from '../../nodes/Athenahealth/feeds/catalog';

/**
 * The catalog against athena's facts (docs/athena-contract.md#the-feeds), written from the sources'
 * feed table: POST departmentids yes/no, read departmentid list/single/none, id and modified fields.
 */
const FACTS: Record<
	string,
	[subscribe: boolean, read: 'list' | 'single' | 'none', id: string, modified?: string]
> = {
	appointments: [true, 'list', 'appointmentid', 'lastmodified'],
	patients: [true, 'list', 'patientid'],
	'chart/healthhistory/problems': [true, 'none', 'problemid'],
	'chart/healthhistory/medication': [true, 'none', 'medicationentryid'],
	'chart/healthhistory/allergies': [true, 'none', 'allergenid'],
	'chart/healthhistory/familyhistory': [false, 'none', 'problemid'],
	'chart/healthhistory/vaccine': [true, 'none', 'vaccineid'],
	orders: [true, 'list', 'documentid'],
	'orders/signedoff': [true, 'list', 'documentid'],
	prescriptions: [true, 'none', 'documentid'],
	'documents/patientcase': [false, 'none', 'patientcaseid', 'lastmodifieddatetime'],
	imagingresults: [true, 'none', 'imagingresultid'],
	labresults: [true, 'none', 'labresultid', 'lastmodifieddatetime'],
	ccmenrollmentstatus: [false, 'none', 'patientid'],
	claims: [false, 'list', 'claimid'],
	providers: [false, 'none', 'providerid'],
	providernumbers: [false, 'none', 'providernumberid'],
	referringproviders: [false, 'none', 'referringproviderid'],
	referringprovidernumbers: [false, 'none', 'referringprovidernumberid'],
	visits: [true, 'list', 'visitid'],
	stays: [false, 'none', 'stayid'],
	orcase: [false, 'none', 'orcaseid'],
	surgerycases: [false, 'single', 'surgerycaseid'],
	chargecodes: [false, 'none', 'chargecodeid'],
};

describe('the feed catalog', () => {
	test.each(Object.entries(FACTS))(
		'%s: departments, id and modified fields as athena documents them',
		(id, [subscribe, read, idField, modified]) => {
			const feed = getFeed(id);
			expect(feed.departments).toEqual({ subscribe, read });
			expect(feed.idField).toBe(idField);
			expect(feed.modifiedField).toBe(modified);
		},
	);

	test('holds the 24 feeds', () => {
		expect(FEEDS.map((feed) => feed.id).sort()).toEqual(Object.keys(FACTS).sort());
	});

	test('events: appointments 11 with two optional, signed-off orders one, family history under `problems`', () => {
		const appointments = getFeed('appointments');
		expect(allEvents(appointments)).toHaveLength(11);
		expect(appointments.optionalEvents).toEqual([
			{ event: 'UpdateReminderCall', flag: 'includeremindercall' },
			{ event: 'UpdateSuggestedOverbooking', flag: 'includesuggestedoverbooking' },
		]);
		expect(getFeed('orders/signedoff').events).toEqual(['OrderSignOffNotify']);
		expect(getFeed('claims').optionalEvents).toEqual([
			{ event: 'CreateClaim', flag: 'showadditionalevents', onEventsList: true },
		]);
		expect(getFeed('chart/healthhistory/familyhistory').recordKey).toBe('problems');
	});
});

describe('department scope', () => {
	test('a department list on a feed that ignores it is refused, naming what athena would do', () => {
		expect(departmentScopeProblem(getFeed('providers'), [1], 'read')).toBe(
			'must be empty for the feed "Providers": athena takes no department there and would read (and remove) the records of every department',
		);
		expect(departmentScopeProblem(getFeed('claims'), [1], 'subscribe')).toMatch(
			/would subscribe the whole practice$/,
		);
		expect(departmentScopeProblem(getFeed('claims'), [1, 2], 'read')).toBeUndefined();
		expect(departmentScopeProblem(getFeed('surgerycases'), [1, 2], 'read')).toMatch(
			/must hold one department/,
		);
		expect(departmentScopeProblem(getFeed('providers'), [], 'read')).toBeUndefined();
	});

	test('the department field is shown for exactly the feeds that honour it', () => {
		expect(feedsTakingDepartments('read')).toEqual(
			Object.keys(FACTS).filter((id) => FACTS[id][1] !== 'none'),
		);
		expect(feedsTakingDepartments('subscribe')).toEqual(
			Object.keys(FACTS).filter((id) => FACTS[id][0]),
		);
	});
});

describe('events and read options', () => {
	test('a wrong case is refused everywhere; an unknown name only on confirmed feeds, else athena decides', () => {
		expect(eventNameProblem(getFeed('appointments'), 'checkin')).toEqual({
			message: 'must be written as athena names it: CheckIn',
		});
		expect(eventNameProblem(getFeed('appointments'), 'Nope')?.unknown).toBeUndefined();
		expect(eventNameProblem(getFeed('imagingresults'), 'ImagingResultUpdate')?.unknown).toBe(true);
	});

	test("each feed's own read parameters, checked and sent as athena names them", () => {
		expect(
			readOptionQuery(getFeed('orders'), { ordertype: ' LAB ', clinicalproviderid: '3,4' }),
		).toEqual({
			query: { ordertype: 'LAB', clinicalproviderid: '3,4' },
		});
		expect(readOptionQuery(getFeed('orders'), { ordertype: 'LAB&x=1' }).problem).toBe(
			'Order Type must be one code of letters and digits, such as LAB',
		);
		expect(
			readOptionQuery(getFeed('patients'), {
				returnglobalid: true,
				showpreviouspatientids: true,
				ignorerestrictions: true,
			}).query,
		).toEqual({
			returnglobalid: 'true',
			showpreviouspatientids: 'true',
			ignorerestrictions: 'true',
		});
		// Options of another feed are never sent: athena would ignore them.
		expect(readOptionQuery(getFeed('providers'), { showinsurance: true }).query).toEqual({});
		expect(readOptionQuery(getFeed('labresults'), { showportalonly: true }).query).toEqual({
			showportalonly: 'true',
		});
		expect(
			readOptionQuery(getFeed('claims'), { showservicetypeaddons: true, patientid: '9' }).query,
		).toEqual({ showservicetypeaddons: 'true', patientid: '9' });
	});
});
