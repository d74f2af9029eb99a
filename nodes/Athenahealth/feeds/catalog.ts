/**
 * The changed-data feed catalog: the one table of athena's feeds that the nodes, the sandbox and
 * the README all read (docs/athena-contract.md#the-feeds holds the same facts with their sources).
 * `confirmed: false` marks feeds whose event names or record shape no public source confirms: kept
 * here, in one place, so they are easy to correct, and athena's own `/events` list wins at run time.
 */

/** Read option a feed accepts on `GET .../changed` beyond the common ones (docs/athena-contract.md#the-feeds). */
export interface FeedReadOption {
	/** athena's query parameter. */
	param: string;
	displayName: string;
	/** `ids`: comma-separated positive ids; `word`: one code such as an order type. */
	type: 'boolean' | 'ids' | 'word';
	description: string;
}

/** The flags that add an optional event to a complete subscription (docs/athena-contract.md#subscriptions). */
export type OptionalEventFlag =
	| 'includeremindercall'
	| 'includesuggestedoverbooking'
	| 'showadditionalevents';

export interface OptionalEvent {
	event: string;
	flag: OptionalEventFlag;
	/** Whether `GET {sub}/events` also takes the flag (claims); appointments list theirs unasked. */
	onEventsList?: boolean;
}

/**
 * How a feed takes departments. athena ignores a department parameter a feed does not take and
 * answers for the whole practice (docs/athena-contract.md#what-athena-ignores).
 */
export interface DepartmentScope {
	/** `POST {sub}` takes `departmentids` (the whole list on every call). */
	subscribe: boolean;
	/** `GET {read}` takes `departmentid`: a list, one integer, or not at all. */
	read: 'list' | 'single' | 'none';
}

export interface FeedDefinition {
	/** Stable id used in node parameters and static data; equal to `path`. */
	id: string;
	name: string;
	category: 'Ambulatory' | 'Inpatient';
	/** Path below `/v1/{practiceid}/`, e.g. `chart/healthhistory/problems`. */
	path: string;
	/** Signed-off orders have no `/changed` segment. */
	noChangedSegment?: boolean;
	/** Key of the record array in a `/changed` response. */
	recordKey: string;
	/** Field that identifies a record, used for fingerprints and item metadata. */
	idField: string;
	/** What Simplify keeps of a record (about ten: ids, status, dates, department, patient, the feed's key fields), plus `_athena`. */
	simplifiedFields: readonly string[];
	/**
	 * Field that carries the time of the record's last change, when athena sends one with a time
	 * (a date-only field cannot tell two changes of one day apart, so it is not named here).
	 */
	modifiedField?: string;
	/** Events a complete subscription covers without any flag. */
	events: string[];
	/** Events only a subscription with their flag `true` includes. */
	optionalEvents?: OptionalEvent[];
	departments: DepartmentScope;
	/** The spec's maximum `limit`; undefined where unknown (the drain sends at most 1000 anyway). */
	maxLimit?: number;
	/** false where the event names or record key are unconfirmed. */
	confirmed: boolean;
	readOptions?: FeedReadOption[];
	description: string;
}

const bool = (param: string, displayName: string, description: string): FeedReadOption => ({
	param,
	displayName,
	type: 'boolean',
	description,
});
const ids = (param: string, displayName: string, description: string): FeedReadOption => ({
	param,
	displayName,
	type: 'ids',
	description,
});

/** Read options, one definition per athena parameter (a parameter several feeds take reads alike). */
const OPTION = {
	showpatientdetail: bool(
		'showpatientdetail',
		'Show Patient Detail',
		'Whether athena includes the patient record in each changed appointment',
	),
	ignorerestrictions: bool(
		'ignorerestrictions',
		'Ignore Restrictions',
		'Whether to include the data of restricted and blocked patients: athena hides it unless this is true. Only for workflows allowed to see those patients.',
	),
	showinsurance: bool(
		'showinsurance',
		'Show Insurance',
		"Whether athena includes the patient's insurance with each appointment",
	),
	showcopay: bool(
		'showcopay',
		'Show Copay',
		'Whether athena includes the expected copay with each appointment',
	),
	showclaimdetail: bool(
		'showclaimdetail',
		'Show Claim Detail',
		'Whether athena includes the claim of each appointment',
	),
	showremindercalldetail: bool(
		'showremindercalldetail',
		'Show Reminder Call Detail',
		'Whether athena includes the reminder-call details of each appointment',
	),
	showexpectedprocedurecodes: bool(
		'showexpectedprocedurecodes',
		'Show Expected Procedure Codes',
		'Whether athena includes the procedure codes expected for each appointment',
	),
	providerid: ids(
		'providerid',
		'Provider IDs',
		'Only records of these provider IDs (comma-separated)',
	),
	patientid: ids('patientid', 'Patient IDs', 'Only records of these patient IDs (comma-separated)'),
	patientids: ids(
		'patientids',
		'Patient IDs (Cases)',
		'Only cases of these patient IDs (comma-separated)',
	),
	returnglobalid: bool(
		'returnglobalid',
		'Return Global ID',
		"Whether athena includes each patient's enterprise-wide global ID",
	),
	showpreviouspatientids: bool(
		'showpreviouspatientids',
		'Show Previous Patient IDs',
		'Whether athena includes the IDs a merged patient had before',
	),
	showenterprisedetails: bool(
		'showenterprisedetails',
		'Show Enterprise Details',
		'Whether athena includes enterprise details of each patient',
	),
	showportalonly: bool(
		'showportalonly',
		'Show Portal Only',
		'Whether to read only results published to the patient portal',
	),
	ordertype: {
		param: 'ordertype',
		displayName: 'Order Type',
		type: 'word',
		description: 'Only orders of this type, as athena names it (e.g. LAB, IMAGING)',
	} as FeedReadOption,
	clinicalproviderid: ids(
		'clinicalproviderid',
		'Clinical Provider IDs',
		'Only orders for these clinical provider IDs (comma-separated)',
	),
	showservicetypeaddons: bool(
		'showservicetypeaddons',
		'Show Service Type Add-Ons',
		'Whether athena includes service type add-ons of each claim',
	),
} as const;

/** Where a feed takes no department at all, subscribing or reading. */
const NO_DEPARTMENTS: DepartmentScope = { subscribe: false, read: 'none' };
/** Subscriptions scoped by department, reads not (athena reads the subscription's queue whole). */
const SUBSCRIBE_ONLY: DepartmentScope = { subscribe: true, read: 'none' };
const BOTH: DepartmentScope = { subscribe: true, read: 'list' };

/** athena's 24 feeds, in the order of its changed-data guide. */
export const FEEDS: readonly FeedDefinition[] = [
	{
		id: 'appointments',
		name: 'Appointments',
		category: 'Ambulatory',
		path: 'appointments',
		recordKey: 'appointments',
		idField: 'appointmentid',
		simplifiedFields: [
			'appointmentid',
			'appointmentstatus',
			'appointmenttype',
			'date',
			'starttime',
			'duration',
			'patientid',
			'providerid',
			'departmentid',
			'lastmodified',
		],
		modifiedField: 'lastmodified',
		events: [
			'ScheduleAppointment',
			'CancelAppointment',
			'UpdateAppointment',
			'CheckIn',
			'CheckOut',
			'FreezeAppointment',
			'UnfreezeAppointment',
			'DeleteAppointment',
			'AddAppointmentSlot',
		],
		optionalEvents: [
			{ event: 'UpdateReminderCall', flag: 'includeremindercall' },
			{ event: 'UpdateSuggestedOverbooking', flag: 'includesuggestedoverbooking' },
		],
		departments: BOTH,
		maxLimit: 10000,
		confirmed: true,
		readOptions: [
			OPTION.showpatientdetail,
			OPTION.ignorerestrictions,
			OPTION.showinsurance,
			OPTION.showcopay,
			OPTION.showclaimdetail,
			OPTION.showremindercalldetail,
			OPTION.showexpectedprocedurecodes,
			OPTION.providerid,
			OPTION.patientid,
		],
		description: 'Appointments created, cancelled, updated, checked in or out, frozen or unfrozen',
	},
	{
		id: 'patients',
		name: 'Patients',
		category: 'Ambulatory',
		path: 'patients',
		recordKey: 'patients',
		idField: 'patientid',
		simplifiedFields: [
			'patientid',
			'firstname',
			'lastname',
			'dob',
			'sex',
			'status',
			'primaryproviderid',
			'departmentid',
			'registrationdate',
		],
		events: [
			'AddPatient',
			'DeletePatient',
			'UpdatePatient',
			'MergePatient',
			'UpdatePatientCustomField',
		],
		departments: BOTH,
		maxLimit: 10000,
		confirmed: true,
		readOptions: [
			OPTION.ignorerestrictions,
			OPTION.patientid,
			OPTION.returnglobalid,
			OPTION.showpreviouspatientids,
			OPTION.showenterprisedetails,
		],
		description: 'Patients added, deleted, updated or merged',
	},
	{
		// Its `lastmodifieddatetime` is a date only: not a fingerprint stamp.
		id: 'chart/healthhistory/problems',
		name: 'Problems (Health History)',
		category: 'Ambulatory',
		path: 'chart/healthhistory/problems',
		recordKey: 'problems',
		idField: 'problemid',
		simplifiedFields: [
			'problemid',
			'patientid',
			'departmentid',
			'name',
			'code',
			'codeset',
			'events',
			'lastmodifieddatetime',
		],
		events: ['ProblemAdd', 'ProblemUpdate'],
		departments: SUBSCRIBE_ONLY,
		maxLimit: 5000,
		confirmed: true,
		readOptions: [OPTION.patientid],
		description: 'Problems added to or updated in health history',
	},
	{
		id: 'chart/healthhistory/medication',
		name: 'Medications (Health History)',
		category: 'Ambulatory',
		path: 'chart/healthhistory/medication',
		recordKey: 'medications',
		idField: 'medicationentryid',
		simplifiedFields: [
			'medicationentryid',
			'patientid',
			'departmentid',
			'medicationid',
			'medication',
			'sig',
			'route',
			'source',
			'events',
		],
		events: ['MedicationHxAdd', 'MedicationHxUpdate', 'MedicationHxDelete'],
		departments: SUBSCRIBE_ONLY,
		maxLimit: 5000,
		confirmed: true,
		readOptions: [OPTION.patientid],
		description: 'Medication history entries added, updated or deleted',
	},
	{
		id: 'chart/healthhistory/allergies',
		name: 'Allergies (Health History)',
		category: 'Ambulatory',
		path: 'chart/healthhistory/allergies',
		recordKey: 'allergies',
		idField: 'allergenid',
		simplifiedFields: [
			'allergenid',
			'patientid',
			'departmentid',
			'allergenname',
			'criticality',
			'onsetdate',
			'reactions',
			'categories',
		],
		events: ['AllergyAdd', 'AllergyUpdate'],
		departments: SUBSCRIBE_ONLY,
		maxLimit: 5000,
		confirmed: true,
		description: 'Allergies added or updated',
	},
	{
		id: 'chart/healthhistory/familyhistory',
		name: 'Family History (Health History)',
		category: 'Ambulatory',
		path: 'chart/healthhistory/familyhistory',
		recordKey: 'problems',
		idField: 'problemid',
		simplifiedFields: [
			'problemid',
			'patientid',
			'departmentid',
			'relation',
			'name',
			'code',
			'codeset',
			'onsetage',
			'status',
		],
		events: ['FamilyHxAdd', 'FamilyHxUpdate'],
		departments: NO_DEPARTMENTS,
		maxLimit: 5000,
		confirmed: false,
		description: 'Family history entries added or updated',
	},
	{
		id: 'chart/healthhistory/vaccine',
		name: 'Vaccines (Health History)',
		category: 'Ambulatory',
		path: 'chart/healthhistory/vaccine',
		recordKey: 'vaccines',
		idField: 'vaccineid',
		simplifiedFields: [
			'vaccineid',
			'patientid',
			'departmentid',
			'cvx',
			'description',
			'administerdate',
			'status',
			'vaccinetype',
			'route',
		],
		events: ['HxVaccineAdd', 'HxVaccineUpdate', 'HxVaccineDelete'],
		departments: SUBSCRIBE_ONLY,
		maxLimit: 5000,
		confirmed: true,
		description: 'Historical vaccines added, updated or deleted',
	},
	{
		id: 'orders',
		name: 'Orders Created',
		category: 'Ambulatory',
		path: 'orders',
		recordKey: 'orders',
		idField: 'documentid',
		simplifiedFields: [
			'documentid',
			'patientid',
			'departmentid',
			'encounterid',
			'ordertype',
			'description',
			'status',
			'orderingproviderid',
			'createddate',
			'priority',
		],
		events: ['AdministerVaccine', 'DenyOrder', 'CreateOrder'],
		departments: BOTH,
		confirmed: false,
		readOptions: [OPTION.ordertype, OPTION.clinicalproviderid],
		description: 'Orders created or denied, vaccines administered',
	},
	{
		id: 'orders/signedoff',
		name: 'Orders Signed Off',
		category: 'Ambulatory',
		path: 'orders/signedoff',
		noChangedSegment: true,
		recordKey: 'orders',
		idField: 'documentid',
		simplifiedFields: [
			'documentid',
			'patientid',
			'departmentid',
			'encounterid',
			'ordertype',
			'description',
			'status',
			'orderingproviderid',
			'signedoffdatetime',
			'signedoffby',
		],
		// Both kinds of sign-off the guide describes arrive as this one event.
		events: ['OrderSignOffNotify'],
		departments: BOTH,
		confirmed: true,
		readOptions: [OPTION.ordertype, OPTION.clinicalproviderid],
		description:
			'Orders (lab, imaging, DME, surgery, referral, patient info, other) and documentation-only orders signed off',
	},
	{
		id: 'prescriptions',
		name: 'Prescriptions',
		category: 'Ambulatory',
		path: 'prescriptions',
		recordKey: 'prescriptions',
		idField: 'documentid',
		simplifiedFields: [
			'documentid',
			'patientid',
			'departmentid',
			'medication',
			'quantity',
			'refills',
			'status',
			'providerid',
			'pharmacyname',
			'createddatetime',
		],
		events: [
			'PrescriptionAdd',
			'PrescriptionUpdate',
			'PrescriptionDelete',
			'PrescriptionRefillAdd',
			'PrescriptionReopen',
			'PrescriptionPreApproval',
			'PrescriptionRefillUpdate',
		],
		departments: SUBSCRIBE_ONLY,
		confirmed: true,
		description: 'Prescriptions and refills added, updated, deleted, reopened or pre-approved',
	},
	{
		id: 'documents/patientcase',
		name: 'Patient Cases',
		category: 'Ambulatory',
		path: 'documents/patientcase',
		recordKey: 'patientcases',
		idField: 'patientcaseid',
		simplifiedFields: [
			'patientcaseid',
			'patientid',
			'departmentid',
			'providerid',
			'status',
			'subject',
			'documentsource',
			'documentsubclass',
			'priority',
			'lastmodifieddatetime',
		],
		modifiedField: 'lastmodifieddatetime',
		events: [
			'PatientCaseAdd',
			'PatientCaseUpdate',
			'PatientCaseActionUpdate',
			'PatientCaseNotifyPatient',
		],
		departments: NO_DEPARTMENTS,
		maxLimit: 5000,
		confirmed: true,
		readOptions: [OPTION.patientids],
		description: 'Patient cases added or updated',
	},
	{
		id: 'imagingresults',
		name: 'Imaging Results',
		category: 'Ambulatory',
		path: 'imagingresults',
		recordKey: 'imagingresults',
		idField: 'imagingresultid',
		simplifiedFields: [
			'imagingresultid',
			'patientid',
			'departmentid',
			'providerid',
			'status',
			'resultstatus',
			'resultdate',
			'modality',
			'description',
			'priority',
		],
		events: ['AddImagingResult', 'AddResult', 'DeleteResult'],
		departments: SUBSCRIBE_ONLY,
		confirmed: false,
		readOptions: [OPTION.showportalonly],
		description: 'Imaging results added or deleted',
	},
	{
		id: 'labresults',
		name: 'Lab Results',
		category: 'Ambulatory',
		path: 'labresults',
		recordKey: 'labresults',
		idField: 'labresultid',
		simplifiedFields: [
			'labresultid',
			'patientid',
			'departmentid',
			'providerid',
			'status',
			'resultstatus',
			'resultdate',
			'description',
			'loinc',
			'lastmodifieddatetime',
		],
		modifiedField: 'lastmodifieddatetime',
		events: ['LabResultAdd', 'LabResultUpdate', 'LabResultClose'],
		departments: SUBSCRIBE_ONLY,
		maxLimit: 5000,
		confirmed: true,
		readOptions: [OPTION.showportalonly],
		description: 'Lab results added, updated or closed',
	},
	{
		// The guide spells the path `ccmenrollementstatus`; the spec's spelling is used.
		id: 'ccmenrollmentstatus',
		name: 'CCM Enrollment Status',
		category: 'Ambulatory',
		path: 'ccmenrollmentstatus',
		recordKey: 'ccmenrollmentstatus',
		idField: 'patientid',
		simplifiedFields: [
			'patientid',
			'departmentid',
			'enrollmentstatus',
			'programname',
			'enrollmentdate',
			'consentdate',
			'providerid',
			'careplanstatus',
			'reason',
		],
		events: ['UpdateCCMStatus'],
		departments: NO_DEPARTMENTS,
		confirmed: false,
		description: 'Chronic care management enrollment status updated',
	},
	{
		id: 'claims',
		name: 'Claims',
		category: 'Ambulatory',
		path: 'claims',
		recordKey: 'claims',
		idField: 'claimid',
		simplifiedFields: [
			'claimid',
			'patientid',
			'departmentid',
			'billedproviderid',
			'servicedate',
			'claimcreateddate',
			'status',
			'totalcharge',
			'outstandingcharges',
			'primaryinsurancepayer',
		],
		events: ['UpdateClaim'],
		optionalEvents: [{ event: 'CreateClaim', flag: 'showadditionalevents', onEventsList: true }],
		departments: { subscribe: false, read: 'list' },
		confirmed: true,
		readOptions: [OPTION.patientid, OPTION.showservicetypeaddons],
		description: 'Claims updated (and created, with additional events)',
	},
	{
		id: 'providers',
		name: 'Providers',
		category: 'Ambulatory',
		path: 'providers',
		recordKey: 'providers',
		idField: 'providerid',
		simplifiedFields: [
			'providerid',
			'displayname',
			'firstname',
			'lastname',
			'specialty',
			'providertype',
			'npi',
			'entitytype',
			'billable',
		],
		events: ['ProviderAdd', 'ProviderUpdate', 'ProviderDelete', 'ProviderUndelete'],
		departments: NO_DEPARTMENTS,
		confirmed: true,
		description: 'Providers added, updated, deleted or undeleted',
	},
	{
		id: 'providernumbers',
		name: 'Provider Numbers',
		category: 'Ambulatory',
		path: 'providernumbers',
		recordKey: 'providernumbers',
		idField: 'providernumberid',
		simplifiedFields: [
			'providernumberid',
			'providerid',
			'departmentid',
			'numbertype',
			'number',
			'state',
			'insurancepackageid',
			'effectivedate',
			'expirationdate',
		],
		events: ['ProviderNumberAdd', 'ProviderNumberUpdate', 'ProviderNumberDelete'],
		departments: NO_DEPARTMENTS,
		confirmed: false,
		description: 'Provider numbers added, updated or deleted',
	},
	{
		id: 'referringproviders',
		name: 'Referring Providers',
		category: 'Ambulatory',
		path: 'referringproviders',
		recordKey: 'referringproviders',
		idField: 'referringproviderid',
		simplifiedFields: [
			'referringproviderid',
			'firstname',
			'lastname',
			'specialty',
			'npi',
			'departmentid',
			'city',
			'state',
			'phone',
			'fax',
		],
		events: [
			'ReferringProviderAdd',
			'ReferringProviderUpdate',
			'ReferringProviderDelete',
			'ReferringProviderUndelete',
		],
		departments: NO_DEPARTMENTS,
		confirmed: false,
		description: 'Referring providers added, updated, deleted or undeleted',
	},
	{
		id: 'referringprovidernumbers',
		name: 'Referring Provider Numbers',
		category: 'Ambulatory',
		path: 'referringprovidernumbers',
		recordKey: 'referringprovidernumbers',
		idField: 'referringprovidernumberid',
		simplifiedFields: [
			'referringprovidernumberid',
			'referringproviderid',
			'departmentid',
			'numbertype',
			'number',
			'state',
			'insurancepackageid',
			'effectivedate',
		],
		events: ['ReferringProviderNumberAdd', 'ReferringProviderNumberUpdate'],
		departments: NO_DEPARTMENTS,
		confirmed: false,
		description: 'Referring provider numbers added or updated',
	},
	{
		// The guide's Hospital Visits section points at `stays`; the spec names the feed `visits`.
		id: 'visits',
		name: 'Hospital Visits',
		category: 'Inpatient',
		path: 'visits',
		recordKey: 'visits',
		idField: 'visitid',
		simplifiedFields: [
			'visitid',
			'patientid',
			'departmentid',
			'encounterid',
			'visittype',
			'status',
			'patientclass',
			'admitdatetime',
			'attendingproviderid',
			'unit',
		],
		events: [
			'AdmitERPatient',
			'AdmitPatient',
			'EncounterUpdate',
			'UndeleteOutpatientVisit',
			'UndeleteInpatientVisit',
			'DeleteVisit',
			'DischargeVisit',
		],
		departments: BOTH,
		confirmed: false,
		description: 'Hospital visits admitted, updated, undeleted, deleted or discharged',
	},
	{
		id: 'stays',
		name: 'Hospital Stays',
		category: 'Inpatient',
		path: 'stays',
		recordKey: 'stays',
		idField: 'stayid',
		simplifiedFields: [
			'stayid',
			'patientid',
			'departmentid',
			'staystatus',
			'levelofcare',
			'admitdatetime',
			'expecteddischargedate',
			'attendingproviderid',
			'unit',
			'room',
		],
		events: [
			'CreateStay',
			'AdmitStay',
			'CancelStay',
			'DischargeStay',
			'TransferStay',
			'CareTeamStay',
			'CloseStay',
			'UpdateLocation',
		],
		departments: NO_DEPARTMENTS,
		confirmed: false,
		description:
			'Hospital stays created, admitted, cancelled, discharged, transferred, closed or moved',
	},
	{
		id: 'orcase',
		name: 'Hospital OR Cases',
		category: 'Inpatient',
		path: 'orcase',
		recordKey: 'orcases',
		idField: 'orcaseid',
		simplifiedFields: [
			'orcaseid',
			'patientid',
			'departmentid',
			'procedurename',
			'status',
			'scheduleddate',
			'surgeonid',
			'roomname',
			'estimatedminutes',
		],
		events: ['CreatePreferenceCard', 'UpdatePreferenceCard', 'ConsumptionsSubmission'],
		departments: NO_DEPARTMENTS,
		confirmed: false,
		description: 'Operating room preference cards created or updated, consumptions submitted',
	},
	{
		id: 'surgerycases',
		name: 'Hospital Surgery Cases',
		category: 'Inpatient',
		path: 'surgerycases',
		recordKey: 'surgerycases',
		idField: 'surgerycaseid',
		simplifiedFields: [
			'surgerycaseid',
			'patientid',
			'departmentid',
			'procedure',
			'status',
			'scheduleddatetime',
			'surgeonid',
			'room',
			'laterality',
		],
		events: ['CreateSurgeryCase', 'UpdateSurgeryCase', 'DeleteSurgeryCase'],
		departments: { subscribe: false, read: 'single' },
		confirmed: false,
		description: 'Surgery cases created, updated or deleted',
	},
	{
		id: 'chargecodes',
		name: 'Hospital Charge Codes',
		category: 'Inpatient',
		path: 'chargecodes',
		recordKey: 'chargecodes',
		idField: 'chargecodeid',
		simplifiedFields: [
			'chargecodeid',
			'code',
			'description',
			'status',
			'revenuecode',
			'mappedcode',
			'amount',
			'effectivedate',
			'denialreason',
			'departmentid',
		],
		events: ['DenyChargeCode', 'MapChargeRequest'],
		departments: NO_DEPARTMENTS,
		confirmed: false,
		description: 'Charge codes denied or charge requests mapped',
	},
];

const byId = new Map(FEEDS.map((feed) => [feed.id, feed]));

export function getFeed(id: string): FeedDefinition {
	const feed = byId.get(id);
	if (!feed) throw new Error(`Unknown changed-data feed "${id}"`);
	return feed;
}

/** `GET` path that reads the feed, relative to `/v1/{practiceid}/`. */
export function changedPath(feed: FeedDefinition): string {
	return feed.noChangedSegment ? feed.path : `${feed.path}/changed`;
}

/** Path of the feed's subscription resource, relative to `/v1/{practiceid}/`. */
export function subscriptionPath(feed: FeedDefinition): string {
	return `${changedPath(feed)}/subscription`;
}

/** Every event a subscription can hold, the optional ones included. */
export function allEvents(feed: FeedDefinition): string[] {
	return [...feed.events, ...(feed.optionalEvents ?? []).map((optional) => optional.event)];
}

/** The optional event named `event`, if the feed has one. */
export function optionalEventOf(feed: FeedDefinition, event: string): OptionalEvent | undefined {
	return feed.optionalEvents?.find((optional) => optional.event === event);
}

/** Whether the feed honours departments for this use (elsewhere athena ignores them: whole practice). */
export function takesDepartments(feed: FeedDefinition, use: 'subscribe' | 'read'): boolean {
	return use === 'subscribe' ? feed.departments.subscribe : feed.departments.read !== 'none';
}

/** n8n options for a feed picker, grouped by category in the display name. */
export function feedOptions(): Array<{ name: string; value: string; description: string }> {
	return FEEDS.map((feed) => ({
		name: `${feed.category === 'Inpatient' ? 'Inpatient: ' : ''}${feed.name}`,
		value: feed.id,
		description: feed.description,
	}));
}
