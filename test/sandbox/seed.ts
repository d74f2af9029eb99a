import { DEFAULT_SCOPE } from './auth';
import type { PatientCase } from './patientCases';

/** athena's shared preview practice (docs/athena-contract.md#authentication); any other id in a /v1 path is refused. */
export const PRACTICE_ID = '195900';

export interface ApiClient {
	clientId: string;
	secret: string;
	/**
	 * The athenaNet user athena shows for this client's writes (`createduser`), `API-<number>`.
	 * Not derived from the client id: athena's mapping is unknown (docs/athena-contract.md#unconfirmed).
	 */
	apiUser?: string;
}

/** The sandbox's demo API key: what `npm run dev`, the tests and the benchmarks log in with. */
export const DEMO_CLIENT: ApiClient = {
	clientId: 'sandbox-client',
	secret: 'sandbox-secret',
	apiUser: 'API-15476',
};
/** A second API key, so tests can show a case made by another API user. */
export const OTHER_CLIENT: ApiClient = {
	clientId: 'other-client',
	secret: 'other-secret',
	apiUser: 'API-10536',
};

export const DEFAULT_CLIENTS: readonly ApiClient[] = [DEMO_CLIENT, OTHER_CLIENT];

/**
 * The data of an athenahealthApi credential (credentials/AthenahealthApi.credentials.ts) logging in to
 * a sandbox at `url` as `client`: what `npm run dev`, the harness, the e2e suites, the soak and the
 * benchmarks store.
 */
export function sandboxCredentialData(
	url: string,
	client: ApiClient = DEMO_CLIENT,
): Record<string, string> {
	return {
		environment: 'custom',
		customBaseUrl: url,
		clientId: client.clientId,
		clientSecret: client.secret,
		practiceId: PRACTICE_ID,
		scope: DEFAULT_SCOPE,
	};
}

/** The API user of the client at `index`: its own when set, else a fixed number by position. */
export function apiUserOf(clients: readonly ApiClient[], index: number): string {
	return clients[index]?.apiUser ?? `API-${20001 + index}`;
}

/** athenaNet users of the practice: seeded cases' creators and whom a case can be assigned to (case-sensitive). */
export const ATHENANET_USERS = ['jfrontdesk', 'mnurse2', 'drokafor', 'bbilling'] as const;

/** Pre-existing cases, all for patient SEED_CASES_PATIENT_ID in department 1. */
export const SEED_CASES = {
	byAthenaNetUser: 173692,
	byOtherClient: 173693,
	closed: 173694,
	deleted: 173695,
} as const;
export const SEED_CASES_PATIENT_ID = '1';
/** The recorded create response carried 173696 (docs/athena-contract.md#patient-cases). */
export const FIRST_NEW_CASE_ID = 173696;

export const PROVIDER_COUNT = 20;
/** The provider id of athena's recorded patient-case creates (preview practice 195900). */
export const RECORDED_PROVIDER_ID = 71;
export const PATIENT_COUNT = 100;

export const FIRST_NAMES = [
	'Avery',
	'Jordan',
	'Riley',
	'Morgan',
	'Casey',
	'Quinn',
	'Harper',
	'Rowan',
	'Emerson',
	'Parker',
];
export const LAST_NAMES = [
	'Alvarez',
	'Brennan',
	'Castillo',
	'Dawson',
	'Ellison',
	'Fairchild',
	'Garrison',
	'Holloway',
	'Iverson',
	'Jennings',
];
const PROVIDER_FIRST = ['Amara', 'Benedict', 'Celine', 'Dorian', 'Elena'];
const PROVIDER_LAST = ['Okafor', 'Lindqvist', 'Moreau', 'Tanaka'];
const SPECIALTIES = [
	'Family Medicine',
	'Internal Medicine',
	'Pediatrics',
	'Cardiology',
	'Dermatology',
];
const CITIES = ['Boston', 'Worcester', 'Springfield', 'Lowell', 'Cambridge', 'Quincy'];

export interface Department {
	departmentid: string;
	name: string;
	patientdepartmentname: string;
	clinicals: 'ON';
	city: string;
	state: string;
	timezonename: string;
	providergroupid: string;
}

export interface Provider {
	providerid: number;
	firstname: string;
	lastname: string;
	displayname: string;
	specialty: string;
	providertype: string;
	entitytype: string;
	billable: boolean;
}

export interface Patient {
	patientid: string;
	firstname: string;
	lastname: string;
	dob: string;
	departmentid: string;
}

/** athena's close-reason shape: `[{reason, reasonid}]` (docs/athena-contract.md#patient-cases). */
export interface CloseReason {
	reasonid: number;
	reason: string;
}

export const CLOSE_REASONS: readonly CloseReason[] = [
	{ reasonid: 1, reason: 'Resolved' },
	{ reasonid: 2, reason: 'Duplicate' },
	{ reasonid: 3, reason: 'Patient contacted' },
	{ reasonid: 4, reason: 'No action needed' },
	{ reasonid: 5, reason: 'Entered in error' },
];

/** athena lists the reasons of one case; in the sandbox, prescription cases have one more. */
export const PRESCRIPTION_CLOSE_REASON: CloseReason = {
	reasonid: 6,
	reason: 'Prescription sent to pharmacy',
};
const PRESCRIPTION_SUBCLASSES = new Set([
	'PATIENTCASE_NEWRX',
	'PATIENTCASE_REFILL',
	'PATIENTCASE_MEDICATION',
]);

export function closeReasonsFor(storedSubclass: string): readonly CloseReason[] {
	return PRESCRIPTION_SUBCLASSES.has(storedSubclass)
		? [...CLOSE_REASONS, PRESCRIPTION_CLOSE_REASON]
		: CLOSE_REASONS;
}

export interface SeedData {
	departments: Department[];
	departmentIds: ReadonlySet<string>;
	providers: Provider[];
	providerIds: ReadonlySet<string>;
	patients: ReadonlyMap<string, Patient>;
}

export function createSeed(departmentCount: number): SeedData {
	const departments = Array.from({ length: departmentCount }, (_, index): Department => {
		const city = CITIES[index % CITIES.length];
		return {
			departmentid: String(index + 1),
			name: `${city} Clinic ${index + 1}`,
			patientdepartmentname: `${city} Family Health`,
			clinicals: 'ON',
			city,
			state: 'MA',
			timezonename: 'America/New_York',
			providergroupid: '1',
		};
	});
	const providers = Array.from({ length: PROVIDER_COUNT }, (_, index): Provider => {
		const firstname = PROVIDER_FIRST[index % PROVIDER_FIRST.length];
		const lastname =
			PROVIDER_LAST[Math.floor(index / PROVIDER_FIRST.length) % PROVIDER_LAST.length];
		return {
			providerid: index + 1,
			firstname,
			lastname,
			displayname: `${lastname}, ${firstname}`,
			specialty: SPECIALTIES[index % SPECIALTIES.length],
			providertype: 'MD',
			entitytype: 'Person',
			billable: true,
		};
	});
	// The provider athena's recorded creates name (docs/athena-contract.md#patient-cases): a request
	// replayed from the recordings then meets the same practice.
	providers.push({
		...providers[0],
		providerid: RECORDED_PROVIDER_ID,
		firstname: 'Recorded',
		displayname: `${providers[0].lastname}, Recorded`,
	});
	const patients = new Map<string, Patient>();
	for (let index = 0; index < PATIENT_COUNT; index++) {
		const patientid = String(index + 1);
		patients.set(patientid, {
			patientid,
			firstname: FIRST_NAMES[index % FIRST_NAMES.length],
			lastname: LAST_NAMES[Math.floor(index / FIRST_NAMES.length) % LAST_NAMES.length],
			dob: `${pad2((index % 12) + 1)}/${pad2((index % 28) + 1)}/${1940 + ((index * 7) % 65)}`,
			departmentid: String((index % departmentCount) + 1),
		});
	}
	return {
		departments,
		departmentIds: new Set(departments.map((department) => department.departmentid)),
		providers,
		providerIds: new Set(providers.map((provider) => String(provider.providerid))),
		patients,
	};
}

export function pad2(value: number): string {
	return String(value).padStart(2, '0');
}

export const DAY_MS = 24 * 3600 * 1000;

/** The pre-existing cases; created before the clock's start so they never reach a changed feed. */
export function seedCases(clients: readonly ApiClient[], now: number): PatientCase[] {
	const own = clients[0].clientId;
	const other = clients[1]?.clientId ?? DEFAULT_CLIENTS[1].clientId;
	const base = {
		patientid: SEED_CASES_PATIENT_ID,
		departmentid: '1',
		documentsubclass: 'PATIENTCASE_OTHER',
		createdAt: now - 3 * DAY_MS,
		modifiedAt: now - 2 * DAY_MS,
		actionNotes: [],
	};
	const byApi = (index: number, clientId: string) => {
		const user = clients[index]
			? apiUserOf(clients, index)
			: (DEFAULT_CLIENTS[index].apiUser as string);
		return {
			createdvia: 'API' as const,
			creatorClientId: clientId,
			createduser: user,
			lastmodifieduser: user,
		};
	};
	return [
		{
			...base,
			patientcaseid: SEED_CASES.byAthenaNetUser,
			providerid: '1',
			documentsource: 'PATIENT',
			documentsubclass: 'PATIENTCASE_BILLING',
			subject: 'Billing question',
			internalnote: 'Caller asked about a statement balance.',
			status: 'REVIEW',
			createdvia: 'ATHENANET',
			createduser: ATHENANET_USERS[0],
			lastmodifieduser: ATHENANET_USERS[0],
			assignedto: ATHENANET_USERS[3],
		},
		{
			...base,
			...byApi(1, other),
			patientcaseid: SEED_CASES.byOtherClient,
			providerid: '2',
			documentsource: 'PHARMACY',
			documentsubclass: 'PATIENTCASE_REFILL',
			subject: 'Refill clarification',
			// An open case in another workflow state: open is "neither CLOSED nor DELETED".
			status: 'FOLLOWUP',
		},
		{
			...base,
			...byApi(0, own),
			patientcaseid: SEED_CASES.closed,
			providerid: '3',
			documentsource: 'LAB',
			subject: 'Lab called with a result',
			status: 'CLOSED',
			closeReasonId: CLOSE_REASONS[0].reasonid,
		},
		{
			...base,
			...byApi(0, own),
			patientcaseid: SEED_CASES.deleted,
			providerid: '3',
			documentsource: 'PATIENT',
			subject: 'Opened by mistake',
			status: 'DELETED',
			deletedAt: now - 2 * DAY_MS,
		},
	];
}
