/**
 * The changed-data feed catalog: the one table of athena's feeds that the nodes, the sandbox and
 * the README all read. Sources: seeds/003 (the feed list and its events in words) and
 * athena-api.md (paths, response keys, event names). `confirmed: false` marks facts athena-api.md
 * tags [U]: kept here, in one place, so they are easy to correct.
 */

/** Read option a feed accepts on `GET .../changed` beyond the common ones. */
export interface FeedReadOption {
	/** athena's query parameter. */
	param: string;
	displayName: string;
	type: 'boolean' | 'string';
	description: string;
}

export interface FeedDefinition {
	/** Stable id used in node parameters and static data; equal to `path`. */
	id: string;
	name: string;
	category: 'Ambulatory' | 'Inpatient';
	/** Path below `/v1/{practiceid}/`, e.g. `chart/healthhistory/problems`. */
	path: string;
	/** Signed-off orders have no `/changed` segment (athena-api.md [R]). */
	noChangedSegment?: boolean;
	/** Key of the record array in a `/changed` response. */
	recordKey: string;
	/** Field that identifies a record, used for fingerprints and item metadata. */
	idField: string;
	/** What Simplify keeps of a record (about ten: ids, status, dates, department, patient, the feed's key fields), plus `_athena`. */
	simplifiedFields: readonly string[];
	/** Field that carries the record's last change, when athena sends one. */
	modifiedField?: string;
	/** Events a complete subscription covers. */
	events: string[];
	/** An event that only a subscription with `flag=true` includes (seed). */
	optionalEvent?: { event: string; flag: 'includeremindercall' | 'showadditionalevents' };
	/** false where the event names or record key are [U] in athena-api.md. */
	confirmed: boolean;
	readOptions?: FeedReadOption[];
	description: string;
}

const showPatientDetail: FeedReadOption = {
	param: 'showpatientdetail',
	displayName: 'Show Patient Detail',
	type: 'boolean',
	description: 'Whether athena includes the patient record in each changed appointment',
};

/** The seed lists 24 feeds; order follows the seed page. */
export const FEEDS: readonly FeedDefinition[] = [
	{
		id: 'appointments',
		name: 'Appointments',
		category: 'Ambulatory',
		path: 'appointments',
		recordKey: 'appointments',
		idField: 'appointmentid',
		simplifiedFields: ['appointmentid', 'appointmentstatus', 'appointmenttype', 'date', 'starttime', 'duration', 'patientid', 'providerid', 'departmentid', 'lastmodified'],
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
		optionalEvent: { event: 'UpdateReminderCall', flag: 'includeremindercall' },
		confirmed: true,
		readOptions: [
			showPatientDetail,
			{
				param: 'providerid',
				displayName: 'Provider ID',
				type: 'string',
				description: 'Only appointments for these provider IDs (comma-separated)',
			},
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
		simplifiedFields: ['patientid', 'firstname', 'lastname', 'dob', 'sex', 'status', 'primaryproviderid', 'departmentid', 'registrationdate', 'lastmodified'],
		modifiedField: 'lastmodified',
		events: ['AddPatient', 'DeletePatient', 'UpdatePatient', 'MergePatient', 'UpdatePatientCustomField'],
		confirmed: true,
		description: 'Patients added, deleted, updated or merged',
	},
	{
		id: 'chart/healthhistory/problems',
		name: 'Problems (Health History)',
		category: 'Ambulatory',
		path: 'chart/healthhistory/problems',
		recordKey: 'problems',
		idField: 'problemid',
		simplifiedFields: ['problemid', 'patientid', 'departmentid', 'name', 'code', 'codeset', 'events'],
		events: ['ProblemAdd', 'ProblemUpdate'],
		confirmed: true,
		description: 'Problems added to or updated in health history',
	},
	{
		id: 'chart/healthhistory/medication',
		name: 'Medications (Health History)',
		category: 'Ambulatory',
		path: 'chart/healthhistory/medication',
		recordKey: 'medications',
		idField: 'medicationentryid',
		simplifiedFields: ['medicationentryid', 'patientid', 'departmentid', 'medicationid', 'medication', 'sig', 'route', 'source', 'events'],
		events: ['MedicationHxAdd', 'MedicationHxUpdate', 'MedicationHxDelete'],
		confirmed: true,
		description: 'Medication history entries added, updated or deleted',
	},
	{
		id: 'chart/healthhistory/allergies',
		name: 'Allergies (Health History)',
		category: 'Ambulatory',
		path: 'chart/healthhistory/allergies',
		recordKey: 'allergies',
		idField: 'allergyid',
		simplifiedFields: ['allergyid', 'patientid', 'departmentid', 'allergenid', 'allergenname', 'criticality', 'onsetdate', 'reactions'],
		events: ['AllergyAdd', 'AllergyUpdate'],
		confirmed: true,
		description: 'Allergies added or updated',
	},
	{
		id: 'chart/healthhistory/familyhistory',
		name: 'Family History (Health History)',
		category: 'Ambulatory',
		path: 'chart/healthhistory/familyhistory',
		recordKey: 'familyhistory',
		idField: 'problemid',
		simplifiedFields: ['problemid', 'patientid', 'departmentid', 'relation', 'name', 'code', 'codeset', 'onsetage', 'status'],
		events: ['FamilyHxAdd', 'FamilyHxUpdate'],
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
		simplifiedFields: ['vaccineid', 'patientid', 'departmentid', 'cvx', 'description', 'administerdate', 'status', 'vaccinetype', 'route'],
		events: ['HxVaccineAdd', 'HxVaccineUpdate', 'HxVaccineDelete'],
		confirmed: true,
		description: 'Historical vaccines added, updated or deleted',
	},
	{
		id: 'orders',
		name: 'Orders Created',
		category: 'Ambulatory',
		path: 'orders',
		recordKey: 'orders',
		idField: 'orderid',
		simplifiedFields: ['orderid', 'patientid', 'departmentid', 'encounterid', 'ordertype', 'description', 'status', 'orderingproviderid', 'createddate', 'priority'],
		events: ['AdministerVaccine', 'DenyOrder', 'CreateOrder'],
		confirmed: false,
		description: 'Orders created or denied, vaccines administered',
	},
	{
		id: 'orders/signedoff',
		name: 'Orders Signed Off',
		category: 'Ambulatory',
		path: 'orders/signedoff',
		noChangedSegment: true,
		recordKey: 'orders',
		idField: 'orderid',
		simplifiedFields: ['orderid', 'patientid', 'departmentid', 'encounterid', 'ordertype', 'description', 'status', 'orderingproviderid', 'signedoffdatetime', 'signedoffby'],
		events: ['OrderSignedOff', 'DocumentationOnlyOrderSignedOff'],
		confirmed: false,
		description: 'Orders (lab, imaging, DME, surgery, referral, patient info, other) and documentation-only orders signed off',
	},
	{
		id: 'prescriptions',
		name: 'Prescriptions',
		category: 'Ambulatory',
		path: 'prescriptions',
		recordKey: 'prescriptions',
		idField: 'documentid',
		simplifiedFields: ['documentid', 'patientid', 'departmentid', 'medication', 'quantity', 'refills', 'status', 'providerid', 'pharmacyname', 'createddatetime'],
		events: [
			'PrescriptionAdd',
			'PrescriptionUpdate',
			'PrescriptionDelete',
			'PrescriptionRefillAdd',
			'PrescriptionReopen',
			'PrescriptionPreApproval',
			'PrescriptionRefillUpdate',
		],
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
		simplifiedFields: ['patientcaseid', 'patientid', 'departmentid', 'providerid', 'status', 'subject', 'documentsource', 'documentsubclass', 'priority', 'lastmodifieddatetime'],
		modifiedField: 'lastmodifieddatetime',
		events: ['PatientCaseAdd', 'PatientCaseUpdate', 'PatientCaseActionUpdate', 'PatientCaseNotifyPatient'],
		confirmed: true,
		readOptions: [
			{
				param: 'patientids',
				displayName: 'Patient IDs',
				type: 'string',
				description: 'Only cases of these patient IDs (comma-separated)',
			},
		],
		description: 'Patient cases added or updated',
	},
	{
		id: 'imagingresults',
		name: 'Imaging Results',
		category: 'Ambulatory',
		path: 'imagingresults',
		recordKey: 'imagingresults',
		idField: 'imagingresultid',
		simplifiedFields: ['imagingresultid', 'patientid', 'departmentid', 'providerid', 'status', 'resultstatus', 'resultdate', 'modality', 'description', 'priority'],
		events: ['AddImagingResult', 'AddResult', 'DeleteResult'],
		confirmed: false,
		description: 'Imaging results added or deleted',
	},
	{
		id: 'labresults',
		name: 'Lab Results',
		category: 'Ambulatory',
		path: 'labresults',
		recordKey: 'labresults',
		idField: 'labresultid',
		simplifiedFields: ['labresultid', 'patientid', 'departmentid', 'providerid', 'status', 'resultstatus', 'resultdate', 'description', 'loinc', 'priority'],
		events: ['LabResultAdd', 'LabResultUpdate', 'LabResultClose'],
		confirmed: true,
		description: 'Lab results added, updated or closed',
	},
	{
		// The seed spells the path `ccmenrollementstatus`; athena-api.md's spelling is used.
		id: 'ccmenrollmentstatus',
		name: 'CCM Enrollment Status',
		category: 'Ambulatory',
		path: 'ccmenrollmentstatus',
		recordKey: 'ccmenrollmentstatus',
		idField: 'patientid',
		simplifiedFields: ['patientid', 'departmentid', 'enrollmentstatus', 'programname', 'enrollmentdate', 'consentdate', 'providerid', 'careplanstatus', 'reason'],
		events: ['UpdateCCMStatus'],
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
		simplifiedFields: ['claimid', 'patientid', 'departmentid', 'billedproviderid', 'servicedate', 'claimcreateddate', 'status', 'totalcharge', 'outstandingcharges', 'primaryinsurancepayer'],
		events: ['UpdateClaim'],
		optionalEvent: { event: 'CreateClaim', flag: 'showadditionalevents' },
		confirmed: true,
		description: 'Claims updated (and created, with additional events)',
	},
	{
		id: 'providers',
		name: 'Providers',
		category: 'Ambulatory',
		path: 'providers',
		recordKey: 'providers',
		idField: 'providerid',
		simplifiedFields: ['providerid', 'displayname', 'firstname', 'lastname', 'specialty', 'providertype', 'npi', 'departmentid', 'entitytype', 'billable'],
		events: ['ProviderAdd', 'ProviderUpdate', 'ProviderDelete', 'ProviderUndelete'],
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
		simplifiedFields: ['providernumberid', 'providerid', 'departmentid', 'numbertype', 'number', 'state', 'insurancepackageid', 'effectivedate', 'expirationdate'],
		events: ['ProviderNumberAdd', 'ProviderNumberUpdate', 'ProviderNumberDelete'],
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
		simplifiedFields: ['referringproviderid', 'firstname', 'lastname', 'specialty', 'npi', 'departmentid', 'city', 'state', 'phone', 'fax'],
		events: ['ReferringProviderAdd', 'ReferringProviderUpdate', 'ReferringProviderDelete', 'ReferringProviderUndelete'],
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
		simplifiedFields: ['referringprovidernumberid', 'referringproviderid', 'departmentid', 'numbertype', 'number', 'state', 'insurancepackageid', 'effectivedate'],
		events: ['ReferringProviderNumberAdd', 'ReferringProviderNumberUpdate'],
		confirmed: false,
		description: 'Referring provider numbers added or updated',
	},
	{
		// The seed's Hospital Visits section points at `stays`; the spec names the feed `visits`.
		id: 'visits',
		name: 'Hospital Visits',
		category: 'Inpatient',
		path: 'visits',
		recordKey: 'visits',
		idField: 'visitid',
		simplifiedFields: ['visitid', 'patientid', 'departmentid', 'encounterid', 'visittype', 'status', 'patientclass', 'admitdatetime', 'attendingproviderid', 'unit'],
		events: [
			'AdmitERPatient',
			'AdmitPatient',
			'EncounterUpdate',
			'UndeleteOutpatientVisit',
			'UndeleteInpatientVisit',
			'DeleteVisit',
			'DischargeVisit',
		],
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
		simplifiedFields: ['stayid', 'patientid', 'departmentid', 'staystatus', 'levelofcare', 'admitdatetime', 'expecteddischargedate', 'attendingproviderid', 'unit', 'room'],
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
		confirmed: false,
		description: 'Hospital stays created, admitted, cancelled, discharged, transferred, closed or moved',
	},
	{
		id: 'orcase',
		name: 'Hospital OR Cases',
		category: 'Inpatient',
		path: 'orcase',
		recordKey: 'orcases',
		idField: 'orcaseid',
		simplifiedFields: ['orcaseid', 'patientid', 'departmentid', 'procedurename', 'status', 'scheduleddate', 'surgeonid', 'roomname', 'estimatedminutes'],
		events: ['CreatePreferenceCard', 'UpdatePreferenceCard', 'ConsumptionsSubmission'],
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
		simplifiedFields: ['surgerycaseid', 'patientid', 'departmentid', 'procedure', 'status', 'scheduleddatetime', 'surgeonid', 'room', 'laterality'],
		events: ['CreateSurgeryCase', 'UpdateSurgeryCase', 'DeleteSurgeryCase'],
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
		simplifiedFields: ['chargecodeid', 'code', 'description', 'status', 'revenuecode', 'mappedcode', 'amount', 'effectivedate', 'denialreason', 'departmentid'],
		events: ['DenyChargeCode', 'MapChargeRequest'],
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

/** Every event a subscription can hold, the optional one included. */
export function allEvents(feed: FeedDefinition): string[] {
	return feed.optionalEvent ? [...feed.events, feed.optionalEvent.event] : [...feed.events];
}

/** n8n options for a feed picker, grouped by category in the display name. */
export function feedOptions(): Array<{ name: string; value: string; description: string }> {
	return FEEDS.map((feed) => ({
		name: `${feed.category === 'Inpatient' ? 'Inpatient: ' : ''}${feed.name}`,
		value: feed.id,
		description: feed.description,
	}));
}
