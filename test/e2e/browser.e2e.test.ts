// The n8n editor in headless Chromium (Debian's `chromium`, driven by playwright-core): log in as the
// owner, find the athenahealth nodes in the node panel, open the trigger's parameters, run Fetch Test
// Event on an empty feed and then on a simplified one, search a patient by name in Create, pick a case
// in Update and in Add Action Note, and save the screenshots the README shows (docs/screenshots/).
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

import type { BrowserContext, Locator, Page } from 'playwright-core';

import { REPO_ROOT, startE2eN8n, type E2eN8n } from './realN8n';
import { startSandbox, type SandboxProcess } from './sandbox';
import { CREDENTIAL_TYPE } from './workflows';

const CHROMIUM = process.env.ATHENA_E2E_CHROMIUM ?? '/usr/bin/chromium';
const SCREENSHOT = join(REPO_ROOT, 'docs', 'screenshots', 'trigger-parameters.png');
const PATIENT_SEARCH_SCREENSHOT = join(REPO_ROOT, 'docs', 'screenshots', 'patient-search.png');
const SIMPLIFIED_ITEM_SCREENSHOT = join(
	REPO_ROOT,
	'docs',
	'screenshots',
	'trigger-simplified-item.png',
);
const UI_TIMEOUT = 30_000;

/** playwright-core, or an error that says how to get what is missing. Never a silent skip. */
function loadChromium(): typeof import('playwright-core').chromium {
	if (!existsSync(CHROMIUM)) {
		throw new Error(
			`The browser test needs Chromium at ${CHROMIUM} (Debian's chromium package): run \`apt-get update && apt-get install -y chromium\` as root, or set ATHENA_E2E_CHROMIUM to a Chromium binary.`,
		);
	}
	try {
		// eslint-disable-next-line @typescript-eslint/no-require-imports
		return (require('playwright-core') as typeof import('playwright-core')).chromium;
	} catch (error) {
		throw new Error(
			`The browser test needs the devDependency playwright-core: run \`npm ci\` (${(error as Error).message})`,
		);
	}
}

/** Polls `read` until `ok` accepts its value; fails with the last value seen. */
async function waitForPage<T>(
	read: () => Promise<T>,
	ok: (value: T) => boolean,
	what: string,
	timeoutMs = UI_TIMEOUT,
): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = await read();
		if (ok(value)) return value;
		if (Date.now() > deadline)
			throw new Error(`timed out waiting for ${what}; last seen: ${JSON.stringify(value)}`);
		await new Promise((resolve) => setTimeout(resolve, 200));
	}
}

/** Waits until a field's inputs (a select, a resource locator) show `text`. */
async function waitForField(field: Locator, text: string, what: string): Promise<void> {
	await waitForPage(
		() =>
			field.evaluate((el) =>
				Array.from(el.querySelectorAll('input'), (input) => input.value).join(' '),
			),
		(value) => value.includes(text),
		what,
	);
}

describe('the n8n editor in headless Chromium', () => {
	/** The search box of the open resource-locator list (typing before it has focus would be lost). */
	const searchBox = () =>
		page.locator('input[data-test-id="rlc-search"]').filter({ visible: true }).first();
	/** The first entry of the open resource-locator list that shows `text`. */
	const listItem = (text: string) =>
		page.locator('[data-test-id="rlc-item"]').filter({ hasText: text }).first();
	/** The entries of the open resource-locator list, as shown. */
	const listShown = () =>
		page.locator('[data-test-id="rlc-item"]').filter({ visible: true }).allInnerTexts();
	/** In the open node panel, adds the athenahealth action node with this action; its parameters. */
	async function pickAction(action: string): Promise<Locator> {
		const panel = page.locator('[data-test-id="node-creator"]');
		const entry = panel.getByText(action, { exact: true });
		if (!(await entry.isVisible())) await panel.getByText(/^Actions \(\d+\)/).click();
		await entry.click();
		const ndv = page.locator('[data-test-id="ndv"]');
		await ndv.waitFor();
		return ndv;
	}
	/** Opens the node panel on `opener` and shows the athenahealth action node's actions. */
	async function openActions(opener: string): Promise<void> {
		await page.locator(`[data-test-id="${opener}"]`).click();
		await page.locator('[data-test-id="node-creator-search-bar"]').fill('athena');
		await page
			.locator('[data-test-id="item-iterator-item"]')
			.filter({ hasText: 'athenahealth' })
			.first()
			.click();
	}
	/** A new workflow with the athenahealth action node added with this action; its parameters. */
	async function newWorkflowWith(action: string): Promise<Locator> {
		await page.goto(`${n8n.url}/workflow/new`);
		await openActions('canvas-add-button');
		return await pickAction(action);
	}
	/** Picks a patient by name in the node's Patient field. */
	async function pickPatient(ndv: Locator, name: string): Promise<void> {
		await ndv
			.locator('[data-test-id="resource-locator-patientId"] [data-test-id="rlc-input"]')
			.click();
		await searchBox().fill(name);
		await listItem(name).click();
	}
	let n8n: E2eN8n;
	let sandbox: SandboxProcess;
	let context: BrowserContext;
	let page: Page;
	let userDataDir: string;
	/** Requests the editor tried to send off this machine (blocked). */
	const blocked: string[] = [];

	beforeAll(async () => {
		const chromium = loadChromium();
		[n8n, sandbox] = await Promise.all([startE2eN8n(), startSandbox()]);
		// With one athenahealth credential, the editor selects it for a new node and loads the
		// trigger's event and department lists from the sandbox.
		await n8n.api.createCredential({
			name: 'athenahealth sandbox',
			type: CREDENTIAL_TYPE,
			data: sandbox.credentialData(),
		});

		userDataDir = mkdtempSync(join(tmpdir(), 'athena-e2e-chromium-'));
		context = await chromium.launchPersistentContext(userDataDir, {
			executablePath: CHROMIUM,
			headless: true,
			args: [
				'--headless',
				'--no-sandbox',
				'--disable-gpu',
				'--disable-quic',
				'--no-first-run',
				'--disable-background-networking',
				'--disable-component-update',
				'--disable-sync',
			],
			viewport: { width: 1440, height: 1000 },
			timeout: 60_000,
		});
		context.setDefaultTimeout(UI_TIMEOUT);
		// Everything stays on loopback: the editor's calls elsewhere (npm registry, docs) are refused.
		await context.route('**/*', async (route) => {
			const url = new URL(route.request().url());
			if (url.hostname === '127.0.0.1' || url.protocol === 'data:' || url.protocol === 'blob:')
				return await route.continue();
			blocked.push(url.origin + url.pathname);
			return await route.abort();
		});
		page = context.pages()[0] ?? (await context.newPage());
		// Leaving an unsaved workflow for a new one: accept the browser's "leave page?" question.
		page.on('dialog', (dialog) => void dialog.accept());
	});

	afterAll(async () => {
		await context?.close();
		if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
		await Promise.all([n8n?.stop(), sandbox?.close()]);
	});

	it('logs in to the editor as the owner', async () => {
		await page.goto(`${n8n.url}/signin`);
		await page.locator('[data-test-id="emailOrLdapLoginId"] input').fill(n8n.owner.email);
		await page.locator('[data-test-id="password"] input').fill(n8n.owner.password);
		await page.locator('[data-test-id="form-submit-button"]').click();
		await page.waitForURL((url) => !url.pathname.includes('/signin'));
		expect(new URL(page.url()).pathname).not.toContain('signin');
	});

	it('finds the athenahealth trigger in the node panel of a new workflow (search "athena")', async () => {
		await page.goto(`${n8n.url}/workflow/new`);
		await page.locator('[data-test-id="canvas-add-button"]').click();
		await page.locator('[data-test-id="node-creator-search-bar"]').fill('athena');
		const item = page
			.locator('[data-test-id="item-iterator-item"]')
			.filter({ hasText: 'athenahealth' })
			.first();
		await expect(item.innerText()).resolves.toContain('changed-data feed');
		await item.click();
		// The package's entry: its trigger and its actions.
		const panel = page.locator('[data-test-id="node-creator"]');
		await panel.getByText('On new Athenahealth event').waitFor();
		await expect(panel.innerText()).resolves.toMatch(/Actions \(\d+\)/);
	});

	it("opens the trigger's parameters, with the sandbox credential and the feed's events loaded", async () => {
		await page
			.locator('[data-test-id="node-creator"]')
			.getByText('On new Athenahealth event')
			.click();
		const ndv = page.locator('[data-test-id="ndv"]');
		await ndv.waitFor();
		await expect(
			ndv.locator('[data-test-id="node-title-container"]').innerText(),
		).resolves.toContain('Athenahealth Trigger');
		for (const name of ['feed', 'events', 'departmentIds']) {
			await ndv.locator(`[data-test-id="parameter-input-${name}"]`).waitFor();
		}
		await ndv.locator('[data-test-id="fixed-collection-pollTimes"]').waitFor();
		// The one athenahealth credential is preselected (the select shows it as its input's value).
		const credentialSlot = ndv.locator('[data-test-id="node-credentials-slot"]');
		await waitForField(
			credentialSlot,
			'athenahealth sandbox',
			'the credential "athenahealth sandbox" selected',
		);

		// The event list comes from the sandbox through the credential (loadOptions).
		// The select re-renders while the credential and the options arrive, which can swallow a
		// click: open it until the list shows.
		const event = page
			.getByText('ScheduleAppointment', { exact: true })
			.filter({ visible: true })
			.first();
		for (let attempt = 1; ; attempt++) {
			await ndv.locator('[data-test-id="parameter-input-events"]').click();
			try {
				await event.waitFor({ timeout: 3000 });
				break;
			} catch (error) {
				if (attempt === 5) throw error;
			}
		}
		await ndv.locator('[data-test-id="node-title-container"]').click();

		// Show the options the README talks about.
		for (const option of [
			'Min Interval (Seconds)',
			'Subscribe Automatically',
			'Crash Recovery Replay',
		]) {
			await ndv.locator('[data-test-id="collection-parameter-add"]').click();
			await page
				.locator('[data-test-id="collection-parameter-option"]')
				.filter({ hasText: option })
				.click();
			await ndv
				.locator('[data-test-id="parameter-item"]')
				.filter({ hasText: option })
				.first()
				.waitFor();
		}
		await ndv
			.locator('[data-test-id="node-parameters"]')
			.evaluate((element) => element.scrollTo(0, 0));

		mkdirSync(dirname(SCREENSHOT), { recursive: true });
		await page.mouse.move(0, 0);
		await page.screenshot({ path: SCREENSHOT, animations: 'disabled', caret: 'hide' });
		expect(existsSync(SCREENSHOT)).toBe(true);
	});

	it('Fetch Test Event on an empty feed subscribes it, then says that nothing is waiting and what to do', async () => {
		const ndv = page.locator('[data-test-id="ndv"]');
		const fetchTestEvent = ndv.locator('[data-test-id="node-execute-button"]');
		await fetchTestEvent.click();
		await page
			.getByText('The Athenahealth feed "Appointments" was not subscribed; it is now')
			.filter({ visible: true })
			.first()
			.waitFor();
		await fetchTestEvent.click();
		const empty = page
			.getByText(
				'No records are waiting in the Athenahealth feed "Appointments", and athena delivered none in the last 24 hours',
			)
			.filter({ visible: true })
			.first();
		await empty.waitFor();
		await expect(ndv.innerText()).resolves.toContain(
			'Change something in athena that this feed reports',
		);
	});

	it("Fetch Test Event on a new trigger shows simplified records: the catalog's fields and _athena", async () => {
		await sandbox.inject({ feed: 'appointments', count: 3 });
		const ndv = page.locator('[data-test-id="ndv"]');
		await ndv.locator('[data-test-id="node-execute-button"]').click();
		await ndv.locator('[data-test-id="ndv-items-count"]').filter({ hasText: '3 items' }).waitFor();
		await ndv.locator('[data-test-id="radio-button-json"]').click();
		const text = await waitForPage(
			() => ndv.locator('[data-test-id="ndv-data-container"]').innerText(),
			(shown) => shown.includes('_athena') && shown.includes('appointmentid'),
			'the simplified items in the JSON view',
		);
		expect(text).toMatch(/"replayed":\s*false/);
		// Simplify is on for a new trigger: fields outside the catalog's list are left out.
		expect(text).not.toContain('scheduledby');
		expect(text).not.toContain('chargeentrynotrequired');
		await page.mouse.move(0, 0);
		await page.screenshot({
			path: SIMPLIFIED_ITEM_SCREENSHOT,
			animations: 'disabled',
			caret: 'hide',
		});
		expect(existsSync(SIMPLIFIED_ITEM_SCREENSHOT)).toBe(true);
	});

	it("lists the action node's operations in the node panel", async () => {
		await page.locator('[data-test-id="ndv-close-button"]').click();
		// The trigger's subtitle on the canvas is the feed's name, not its path.
		await expect(page.locator('[data-test-id="canvas-node"]').first().innerText()).resolves.toMatch(
			/Athenahealth Trigger\s+Appointments/,
		);
		await openActions('node-creator-plus-button');
		const panel = page.locator('[data-test-id="node-creator"]');
		for (const action of [
			'Create a patient case',
			'Update a patient case',
			'Subscribe to a feed',
			'Unsubscribe from a feed',
		]) {
			await panel.getByText(action, { exact: true }).waitFor();
		}
	});

	it('Create: the Patient field searches athena by name as the user types, showing name, date of birth and ID', async () => {
		const ndv = await pickAction('Create a patient case');
		const patient = ndv.locator('[data-test-id="resource-locator-patientId"]');
		await patient.locator('[data-test-id="rlc-input"]').click();
		await searchBox().fill('Alvarez');
		const avery = listItem('Avery Alvarez');
		await avery.waitFor();
		const shown = await listShown();
		expect(shown[0]).toBe('Avery Alvarez · born 01/01/1940 · ID 1');
		expect(shown.every((name) => / Alvarez · born \d\d\/\d\d\/\d{4} · ID \d+$/.test(name))).toBe(
			true,
		);
		await page.mouse.move(0, 0);
		mkdirSync(dirname(PATIENT_SEARCH_SCREENSHOT), { recursive: true });
		await page.screenshot({
			path: PATIENT_SEARCH_SCREENSHOT,
			animations: 'disabled',
			caret: 'hide',
		});
		await avery.click();
		await waitForField(patient, 'Avery Alvarez · born 01/01/1940 · ID 1', 'Avery Alvarez picked');
		// The search term went to athena's patient search; the sandbox log keeps parameter names only.
		const searched = (await sandbox.stats()).requests.filter((entry) =>
			entry.path.startsWith('/v1/195900/patients/search'),
		);
		expect(searched.length).toBeGreaterThan(0);
		expect(
			searched.every((entry) => entry.path === '/v1/195900/patients/search?searchterm&maxresults'),
		).toBe(true);
	});

	it("Update: after the patient, the Patient Case field lists that patient's cases, open ones first", async () => {
		const ndv = await newWorkflowWith('Update a patient case');
		await pickPatient(ndv, 'Avery Alvarez');
		const caseField = ndv.locator('[data-test-id="resource-locator-patientCaseId"]');
		await caseField.locator('[data-test-id="rlc-input"]').click();
		const refill = listItem('Refill clarification');
		await refill.waitFor();
		expect(await listShown()).toEqual([
			'Refill clarification · FOLLOWUP · ID 173693',
			'Billing question · REVIEW · ID 173692',
			'Lab called with a result · CLOSED · ID 173694',
		]);
		await refill.click();
		await waitForField(caseField, 'Refill clarification · FOLLOWUP · ID 173693', 'the case picked');
	});

	it("Add Action Note: the case list asks for a patient first, then lists that patient's cases", async () => {
		const ndv = await newWorkflowWith('Add an action note to a patient case');
		const caseField = ndv.locator('[data-test-id="resource-locator-patientCaseId"]');
		await caseField.locator('[data-test-id="rlc-input"]').click();
		// No patient yet: the list says what it needs instead of an empty "No results".
		const message = page
			.locator('[data-test-id="rlc-error-message"]')
			.filter({ visible: true })
			.first();
		await expect(message.innerText()).resolves.toContain(
			'Choose a patient in the Patient field to list their cases here',
		);
		await pickPatient(ndv, 'Avery Alvarez');
		await caseField.locator('[data-test-id="rlc-input"]').click();
		const billing = listItem('Billing question');
		await billing.waitFor();
		await billing.click();
		await waitForField(caseField, 'Billing question · REVIEW · ID 173692', 'the case picked');
	});

	it('sent nothing off this machine except the npm registry lookup for the installed package', () => {
		expect(blocked.filter((url) => !url.startsWith('https://registry.npmjs.org/'))).toEqual([]);
	});
});
