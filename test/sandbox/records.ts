/** Plausible fake changed records, one shape per catalog feed, each around 300-500 bytes of JSON. */
import { DateTime } from 'luxon';
import type { FeedDefinition } from '../../nodes/Athenahealth/feeds/catalog';
import {
	DOCUMENT_SOURCES,
	DOCUMENT_SUBCLASSES,
	NEW_CASE_STATUS,
	PRIORITIES,
	storedSubclass,
} from '../../nodes/Athenahealth/reference/patientCase';
import { formatEastern } from './eastern';
import type { FeedRecord } from './queue';
import { DAY_MS, FIRST_NAMES, LAST_NAMES, PATIENT_COUNT, PROVIDER_COUNT, pad2 } from './seed';

/** Injected record ids start far above seeded ids so they never collide with them. */
const FIRST_RECORD_ID = 1_000_001;

type Fields = Record<string, unknown>;

interface Shape {
	/** Whether records name a patient (`patientid`), drawn from the seeded patients. */
	patient: boolean;
	fields(n: number, now: number): Fields;
	/**
	 * Id fields athena sends as JSON numbers in this feed (the rest are strings), as recorded
	 * (docs/athena-contract.md#reading-a-feed): appointments and patients all strings, problems and
	 * providers numbers, lab results mixed.
	 */
	numeric?: readonly string[];
	/** Recorded records of this feed carry no `departmentid`. */
	noDepartment?: boolean;
	/** The last-modified stamp's format, when not `mm/dd/yyyy hh:mi:ss` Eastern. */
	modified?: (now: number) => string;
}

/** ISO 8601 with the US Eastern offset, as lab results and patient cases carry it. */
export function isoEastern(ms: number): string {
	return DateTime.fromMillis(ms, { zone: 'America/New_York' }).toISO({
		suppressMilliseconds: true,
	})!;
}

const pick = <T>(list: readonly T[], n: number): T => list[n % list.length];
const providerId = (n: number) => String((n % PROVIDER_COUNT) + 1);
const staff = (n: number) =>
	pick(['jfrontdesk', 'mnurse', 'kbilling', 'rscheduler', 'API-sandbox'], n);

/** `mm/dd/yyyy` of a day near `now`; date-only fields need no time zone precision here. */
function usDate(ms: number): string {
	const date = new Date(ms);
	return `${pad2(date.getUTCMonth() + 1)}/${pad2(date.getUTCDate())}/${date.getUTCFullYear()}`;
}

const orderFields = (n: number, now: number): Fields => ({
	encounterid: String(40_000_000 + n),
	ordertype: pick(['LAB', 'IMAGING', 'DME', 'SURGERY', 'REFERRAL'], n),
	description: pick(
		[
			'Basic metabolic panel',
			'Chest X-ray, 2 views',
			'Knee brace',
			'Colonoscopy',
			'Cardiology referral',
		],
		n,
	),
	status: pick(['SUBMITTED', 'REVIEW', 'CLOSED'], n),
	orderingproviderid: providerId(n),
	createddate: usDate(now),
	priority: pick(['ROUTINE', 'URGENT'], n),
	facilityid: String(10_000 + (n % 50)),
	diagnosiscode: pick(['E11.9', 'I10', 'J45.909', 'M25.561'], n),
	documentclass: 'ORDER',
	assignedto: staff(n),
});

const resultFields = (n: number, now: number): Fields => ({
	resultdate: usDate(now),
	status: pick(['FINAL', 'PRELIMINARY', 'CORRECTED'], n),
	resultstatus: pick(['NORMAL', 'ABNORMAL'], n),
	providerid: providerId(n),
	facility: pick(['Quest Diagnostics', 'LabCorp', 'Regional Imaging Center'], n),
	priority: pick(['1', '2'], n),
	documenttypeid: String(200 + (n % 30)),
	encounterdate: usDate(now - DAY_MS),
	receivedby: staff(n),
});

const SHAPES: Record<string, Shape> = {
	appointments: {
		patient: true,
		fields: (n, now) => ({
			appointmentstatus: pick(['f', 'x', '2', '3', '4'], n),
			appointmenttype: pick(
				['Office Visit', 'Follow Up', 'Annual Physical', 'Telehealth', 'New Patient'],
				n,
			),
			appointmenttypeid: String((n % 40) + 1),
			date: usDate(now + (n % 28) * DAY_MS),
			starttime: `${pad2(8 + (n % 9))}:${pick(['00', '15', '30', '45'], n >> 2)}`,
			duration: 15 * (1 + (n % 4)),
			providerid: providerId(n),
			chargeentrynotrequired: 'false',
			scheduledby: staff(n),
			scheduleddatetime: formatEastern(now - DAY_MS),
			lastmodifiedby: staff(n + 1),
		}),
	},
	patients: {
		patient: false,
		fields: (n, now) => ({
			firstname: pick(FIRST_NAMES, n),
			lastname: pick(LAST_NAMES, n >> 3),
			dob: `${pad2((n % 12) + 1)}/${pad2((n % 28) + 1)}/${1940 + (n % 65)}`,
			sex: pick(['F', 'M'], n),
			status: 'active',
			zip: String(2100 + (n % 90)).padStart(5, '0'),
			homephone: `617555${String(n % 10_000).padStart(4, '0')}`,
			primaryproviderid: providerId(n),
			registrationdate: usDate(now - (n % 900) * DAY_MS),
			lastupdatedby: staff(n),
		}),
	},
	'chart/healthhistory/problems': {
		patient: true,
		numeric: ['problemid', 'patientid'],
		noDepartment: true,
		fields: (n, now) => ({
			// A date only: not a stamp fingerprints can use (the catalog names no modified field).
			lastmodifieddatetime: usDate(now),
			code: pick(['38341003', '44054006', '195967001', '239873007'], n),
			codeset: 'SNOMED',
			name: pick(
				['Hypertensive disorder', 'Diabetes mellitus type 2', 'Asthma', 'Osteoarthritis of knee'],
				n,
			),
			mostrecentdiagnosisnote: 'Stable on current plan.',
			events: [
				{
					eventtype: 'START',
					startdate: usDate(now - (n % 400) * DAY_MS),
					source: 'ENCOUNTER',
					diagnoses: [{ code: pick(['I10', 'E11.9', 'J45.909', 'M17.11'], n), codeset: 'ICD10' }],
				},
			],
		}),
	},
	'chart/healthhistory/medication': {
		patient: true,
		fields: (n, now) => ({
			medicationid: String(240_000 + (n % 5000)),
			medication: pick(
				[
					'lisinopril 10 mg tablet',
					'metformin 500 mg tablet',
					'albuterol HFA 90 mcg',
					'atorvastatin 20 mg tablet',
				],
				n,
			),
			source: pick(['ENCOUNTER', 'PATIENT', 'PRESCRIPTION'], n),
			sig: pick(
				[
					'Take 1 tablet by mouth daily',
					'Take 1 tablet twice daily',
					'Inhale 2 puffs every 4 hours as needed',
				],
				n,
			),
			route: pick(['oral', 'inhaled', 'topical'], n),
			issafetorenew: true,
			events: [{ type: 'START', eventdate: usDate(now - (n % 200) * DAY_MS) }],
			createdby: staff(n),
		}),
	},
	'chart/healthhistory/allergies': {
		patient: true,
		fields: (n, now) => ({
			allergenname: pick(['Penicillins', 'Peanut', 'Latex', 'Sulfa drugs', 'Shellfish'], n),
			criticality: pick(['low', 'high', 'unable to assess'], n),
			onsetdate: usDate(now - (n % 3000) * DAY_MS),
			reactions: [
				{
					reactionname: pick(['hives', 'rash', 'anaphylaxis', 'nausea'], n),
					severity: pick(['mild', 'moderate', 'severe'], n),
				},
			],
			note: 'Reported by patient at intake.',
			categories: [pick(['drug', 'food', 'environment'], n)],
			lastupdatedby: staff(n),
		}),
	},
	'chart/healthhistory/familyhistory': {
		patient: true,
		fields: (n) => ({
			relation: pick(['MOTHER', 'FATHER', 'SISTER', 'BROTHER', 'MATERNAL GRANDMOTHER'], n),
			relationkeyid: String((n % 12) + 1),
			name: pick(['Coronary artery disease', 'Breast cancer', 'Type 2 diabetes', 'Stroke'], n),
			code: pick(['53741008', '254837009', '44054006', '230690007'], n),
			codeset: 'SNOMED',
			onsetage: 40 + (n % 35),
			diedofage: n % 3 === 0 ? 70 + (n % 20) : undefined,
			status: 'ACTIVE',
			source: pick(['PATIENT', 'ENCOUNTER'], n),
			note: 'Family history reviewed with patient.',
			lastupdatedby: staff(n),
		}),
	},
	'chart/healthhistory/vaccine': {
		patient: true,
		fields: (n, now) => ({
			cvx: pick(['140', '208', '115', '33'], n),
			description: pick(
				[
					'Influenza, seasonal, injectable',
					'COVID-19, mRNA',
					'Tdap',
					'Pneumococcal polysaccharide PPV23',
				],
				n,
			),
			administerdate: usDate(now - (n % 700) * DAY_MS),
			route: 'IM',
			site: pick(['left deltoid', 'right deltoid'], n),
			lotnumber: `LT${String(n % 100_000).padStart(5, '0')}`,
			manufacturer: pick(['Sanofi Pasteur', 'Pfizer', 'GlaxoSmithKline', 'Merck'], n),
			status: 'ADMINISTERED',
			vaccinetype: 'HISTORICAL',
			source: pick(['PATIENT', 'STATE REGISTRY'], n),
			enteredby: staff(n),
		}),
	},
	orders: { patient: true, fields: orderFields },
	'orders/signedoff': {
		patient: true,
		fields: (n, now) => ({
			...orderFields(n, now),
			signedoffdatetime: formatEastern(now),
			signedoffby: staff(n),
		}),
	},
	prescriptions: {
		patient: true,
		fields: (n, now) => ({
			medication: pick(
				['amoxicillin 500 mg capsule', 'lisinopril 10 mg tablet', 'sertraline 50 mg tablet'],
				n,
			),
			ndc: pick(['00093310905', '00172375810', '16729000101'], n),
			quantity: 30 * (1 + (n % 3)),
			refills: n % 4,
			status: pick(['SUBMITTED', 'APPROVED', 'DENIED', 'PENDING'], n),
			providerid: providerId(n),
			sig: pick(['Take 1 capsule by mouth 3 times daily', 'Take 1 tablet by mouth daily'], n),
			daysupply: 30,
			pharmacyname: pick(['CVS Pharmacy #1123', 'Walgreens #4410', 'Stop & Shop Pharmacy'], n),
			createddatetime: formatEastern(now),
		}),
	},
	'documents/patientcase': {
		patient: true,
		modified: isoEastern,
		fields: (n, now) => ({
			providerid: providerId(n),
			documentclass: 'PATIENTCASE',
			documentsource: pick(DOCUMENT_SOURCES, n),
			documentsubclass: storedSubclass(pick(DOCUMENT_SUBCLASSES, n)),
			subject: pick(
				['Refill request', 'Billing question', 'Test result question', 'Appointment request'],
				n,
			),
			priority: pick(PRIORITIES, n).value,
			status: NEW_CASE_STATUS,
			createddatetime: isoEastern(now),
			createduser: staff(n),
		}),
	},
	imagingresults: {
		patient: true,
		fields: (n, now) => ({
			...resultFields(n, now),
			modality: pick(['XR', 'CT', 'MR', 'US'], n),
			description: pick(['XR chest 2 views', 'CT head without contrast', 'US abdomen complete'], n),
		}),
	},
	labresults: {
		patient: true,
		numeric: ['labresultid', 'patientid', 'providerid'],
		modified: isoEastern,
		fields: (n, now) => ({
			...resultFields(n, now),
			description: pick(['Lipid panel', 'Hemoglobin A1c', 'CBC with differential', 'TSH'], n),
			loinc: pick(['57698-3', '4548-4', '57021-8', '3016-3'], n),
		}),
	},
	ccmenrollmentstatus: {
		patient: false,
		fields: (n, now) => ({
			enrollmentstatus: pick(['ENROLLED', 'DECLINED', 'DISENROLLED', 'PENDING'], n),
			programname: 'Chronic Care Management',
			enrollmentdate: usDate(now - (n % 300) * DAY_MS),
			consentdate: usDate(now - (n % 300) * DAY_MS),
			providerid: providerId(n),
			careplanstatus: pick(['ACTIVE', 'NEEDS REVIEW'], n),
			updatedby: staff(n),
			reason: 'Enrollment reviewed during care coordination call.',
		}),
	},
	claims: {
		patient: true,
		fields: (n, now) => ({
			billedproviderid: providerId(n),
			servicedate: usDate(now - (n % 60) * DAY_MS),
			claimcreateddate: usDate(now - (n % 30) * DAY_MS),
			totalcharge: (120 + (n % 400)).toFixed(2),
			outstandingcharges: ((n % 7) * 15).toFixed(2),
			status: pick(['HOLD', 'BILLED', 'CLOSED', 'DROP'], n),
			primaryinsurancepayer: pick(
				['Blue Cross Blue Shield of MA', 'Tufts Health Plan', 'Medicare Part B'],
				n,
			),
			procedures: [
				{
					procedurecode: pick(['99213', '99214', '80053', '93000'], n),
					chargeamount: (95 + (n % 200)).toFixed(2),
				},
			],
		}),
	},
	providers: {
		patient: false,
		numeric: ['providerid', 'npi'],
		noDepartment: true,
		fields: (n) => ({
			firstname: pick(FIRST_NAMES, n + 3),
			lastname: pick(LAST_NAMES, n + 5),
			displayname: `${pick(LAST_NAMES, n + 5)}, ${pick(FIRST_NAMES, n + 3)}`,
			specialty: pick(['Family Medicine', 'Pediatrics', 'Cardiology', 'Dermatology'], n),
			providertype: pick(['MD', 'DO', 'NP', 'PA'], n),
			npi: String(1_000_000_000 + (n % 900_000_000)),
			entitytype: 'Person',
			billable: true,
			schedulingname: `${pick(LAST_NAMES, n + 5)}${pick(FIRST_NAMES, n + 3)[0]}`.toUpperCase(),
			ansispecialtycode: pick(['207Q00000X', '208000000X', '207RC0000X', '207N00000X'], n),
			sex: pick(['F', 'M'], n),
		}),
	},
	providernumbers: {
		patient: false,
		fields: (n, now) => ({
			providerid: providerId(n),
			numbertype: pick(['MEDICAID', 'STATE LICENSE', 'DEA', 'UPIN'], n),
			number: `MA${String(n % 1_000_000).padStart(6, '0')}`,
			state: 'MA',
			insurancepackageid: String(100 + (n % 50)),
			effectivedate: usDate(now - (n % 1000) * DAY_MS),
			expirationdate: usDate(now + (n % 1000) * DAY_MS),
			numberdescription: 'Payer-assigned provider number',
			enteredby: staff(n),
		}),
	},
	referringproviders: {
		patient: false,
		fields: (n) => ({
			firstname: pick(FIRST_NAMES, n + 1),
			lastname: pick(LAST_NAMES, n + 7),
			specialty: pick(['Orthopedics', 'Neurology', 'Gastroenterology', 'Oncology'], n),
			npi: String(1_500_000_000 + (n % 400_000_000)),
			address: `${100 + (n % 800)} Commonwealth Ave`,
			city: 'Boston',
			state: 'MA',
			zip: '02215',
			phone: `617555${String(n % 10_000).padStart(4, '0')}`,
			fax: `617556${String(n % 10_000).padStart(4, '0')}`,
			ansispecialtycode: pick(['207X00000X', '2084N0400X', '207RG0100X', '207RX0202X'], n),
		}),
	},
	referringprovidernumbers: {
		patient: false,
		fields: (n, now) => ({
			referringproviderid: String(5000 + (n % 3000)),
			numbertype: pick(['MEDICAID', 'STATE LICENSE', 'TAXONOMY'], n),
			number: `RP${String(n % 1_000_000).padStart(6, '0')}`,
			state: 'MA',
			insurancepackageid: String(100 + (n % 50)),
			effectivedate: usDate(now - (n % 1000) * DAY_MS),
			numberdescription: 'Referring provider payer number',
			enteredby: staff(n),
			note: 'Number verified with the payer.',
		}),
	},
	visits: {
		patient: true,
		fields: (n, now) => ({
			visittype: pick(['INPATIENT', 'EMERGENCY', 'OBSERVATION', 'OUTPATIENT'], n),
			status: pick(['ADMITTED', 'DISCHARGED', 'PREADMIT'], n),
			admitdatetime: formatEastern(now - (n % 72) * 3_600_000),
			attendingproviderid: providerId(n),
			unit: pick(['4 West', 'ICU', 'ED', 'Maternity'], n),
			room: String(400 + (n % 40)),
			bed: pick(['A', 'B'], n),
			encounterid: String(50_000_000 + n),
			patientclass: pick(['I', 'E', 'O'], n),
			admissionsource: pick(['PHYSICIAN REFERRAL', 'EMERGENCY ROOM', 'TRANSFER'], n),
			lastupdatedby: staff(n),
		}),
	},
	stays: {
		patient: true,
		fields: (n, now) => ({
			staystatus: pick(['CREATED', 'ADMITTED', 'DISCHARGED', 'CLOSED'], n),
			admitdatetime: formatEastern(now - (n % 96) * 3_600_000),
			levelofcare: pick(['ACUTE', 'OBSERVATION', 'ICU'], n),
			unit: pick(['4 West', 'ICU', 'Step Down'], n),
			room: String(300 + (n % 60)),
			bed: pick(['A', 'B'], n),
			attendingproviderid: providerId(n),
			admittingproviderid: providerId(n + 1),
			expecteddischargedate: usDate(now + (1 + (n % 5)) * DAY_MS),
			dischargedisposition: pick(['HOME', 'SKILLED NURSING', 'PENDING'], n),
			updatedby: staff(n),
		}),
	},
	orcase: {
		patient: true,
		fields: (n, now) => ({
			preferencecardid: String(700 + (n % 200)),
			procedurename: pick(
				['Laparoscopic cholecystectomy', 'Total knee arthroplasty', 'Carpal tunnel release'],
				n,
			),
			surgeonid: providerId(n),
			roomname: `OR ${(n % 8) + 1}`,
			scheduleddate: usDate(now + (n % 14) * DAY_MS),
			status: pick(['SCHEDULED', 'IN PROGRESS', 'COMPLETE'], n),
			consumptionsubmitted: n % 2 === 0,
			anesthesiologistid: providerId(n + 2),
			estimatedminutes: 60 + (n % 4) * 30,
			updatedby: staff(n),
		}),
	},
	surgerycases: {
		patient: true,
		fields: (n, now) => ({
			procedure: pick(
				['Appendectomy', 'Rotator cuff repair', 'Cataract extraction', 'Hernia repair'],
				n,
			),
			surgeonid: providerId(n),
			scheduleddatetime: formatEastern(now + (n % 14) * DAY_MS),
			status: pick(['SCHEDULED', 'CANCELLED', 'COMPLETE'], n),
			anesthesiatype: pick(['GENERAL', 'MAC', 'REGIONAL'], n),
			room: `OR ${(n % 8) + 1}`,
			estimatedminutes: 45 + (n % 6) * 15,
			assistantsurgeonid: providerId(n + 3),
			laterality: pick(['LEFT', 'RIGHT', 'BILATERAL', 'N/A'], n),
			updatedby: staff(n),
		}),
	},
	chargecodes: {
		patient: false,
		fields: (n, now) => ({
			code: pick(['99213', '71046', '80053', '36415', '93000'], n),
			description: pick(
				[
					'Office visit, est. patient, low',
					'Chest X-ray, 2 views',
					'Comprehensive metabolic panel',
					'Routine venipuncture',
				],
				n,
			),
			revenuecode: pick(['0510', '0320', '0300', '0730'], n),
			amount: (40 + (n % 300)).toFixed(2),
			status: pick(['DENIED', 'MAPPED', 'PENDING'], n),
			mappedcode: pick(['G0463', '71046', '80053'], n),
			requestedby: staff(n),
			denialreason: pick(['Code not in chargemaster.', 'Revenue code mismatch.', 'None'], n),
			effectivedate: usDate(now - (n % 365) * DAY_MS),
			revenuecenter: pick(['Radiology', 'Laboratory', 'Cardiology', 'Clinic'], n),
		}),
	},
};

/** A feed the catalog gains later still gets records until it has its own shape. */
const GENERIC_SHAPE: Shape = {
	patient: true,
	fields: (n, now) => ({
		status: pick(['ACTIVE', 'UPDATED', 'DELETED'], n),
		providerid: providerId(n),
		recorddate: usDate(now),
		note: 'Generic sandbox record.',
	}),
};

/** Wraps a record for the queues: serialized once, routed by its department. */
export function toFeedRecord(value: Record<string, unknown>, departmentId: string): FeedRecord {
	const optionalId = (field: unknown) =>
		field === undefined || field === null ? undefined : String(field);
	return {
		value,
		json: JSON.stringify(value),
		departmentId,
		patientId: optionalId(value.patientid),
		providerId: optionalId(value.providerid),
	};
}

export class RecordFactory {
	private nextId = FIRST_RECORD_ID;

	/**
	 * A new record with a unique id: the catalog's `idField`, a string or a number as athena sends it
	 * in that feed; its department (unless the feed's records carry none), a patient where the feed
	 * has one, and the catalog's `modifiedField` in the feed's format.
	 * No event name and no message id: athena's records carry neither (docs/athena-contract.md#reading-a-feed).
	 */
	create(feed: FeedDefinition, departmentId: string, now: number): Record<string, unknown> {
		const n = this.nextId++;
		const shape = SHAPES[feed.id] ?? GENERIC_SHAPE;
		const record: Record<string, unknown> = { [feed.idField]: String(n) };
		if (!shape.noDepartment) record.departmentid = departmentId;
		if (shape.patient && feed.idField !== 'patientid')
			record.patientid = String((n % PATIENT_COUNT) + 1);
		for (const [key, value] of Object.entries(shape.fields(n, now)))
			if (value !== undefined) record[key] = value;
		if (feed.modifiedField) record[feed.modifiedField] = (shape.modified ?? formatEastern)(now);
		for (const field of shape.numeric ?? [])
			if (typeof record[field] === 'string') record[field] = Number(record[field]);
		return record;
	}

	reset(): void {
		this.nextId = FIRST_RECORD_ID;
	}
}
