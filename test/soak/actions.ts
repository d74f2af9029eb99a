import type { INodeParameters } from 'n8n-workflow';

import { executeNode } from '../harness/n8n';
import { VALID } from '../harness/parameters';
import type { Sandbox } from '../sandbox';
import { CREDENTIAL_SECRETS, type Corpus, type RecordingCredentials } from './capture';
import { actionNode } from './nodes';
import type { Random } from './random';

/**
 * The action node sending case notes while athena fails (5xx, 429, dropped connections before and
 * after processing, latency): whatever fails, no note, subject or caller name may show up in the
 * error, in a Continue On Fail item or in a write's output.
 */

export interface ActionOutcome {
	operations: number;
	succeeded: number;
	failed: number;
	faults: number;
}

export async function soakActions(options: {
	sandbox: Sandbox;
	credentials: RecordingCredentials;
	corpus: Corpus;
	random: Random;
	operations: number;
	seed: number;
}): Promise<ActionOutcome> {
	const { sandbox, credentials, corpus, random } = options;
	const outcome: ActionOutcome = { operations: 0, succeeded: 0, failed: 0, faults: 0 };
	corpus.secret('note', 'Whitcombe-Soak');
	const text = (tag: string) => {
		const marker = `CASE-${tag}-${random.hex(8)}`;
		corpus.secret('note', marker);
		return `${marker} Mr Whitcombe-Soak called: his mother fell, needs a home visit. ${marker}`;
	};

	// Cases to work on, made while athena answers normally.
	sandbox.setFaults({ seed: options.seed, rules: [] });
	const cases: number[] = [];
	for (let index = 0; index < 4; index++) {
		const [out] = await executeNode(actionNode, create(text(`seed${index}`)), credentials);
		cases.push(Number(out[0].json.patientcaseid));
	}

	const faultsBefore = totalFaults(sandbox);
	sandbox.setFaults({
		seed: options.seed + 1,
		rules: [
			{
				route: 'patientcase',
				rate429: 0.1,
				rate429RetryAfter: 0.05,
				retryAfterSeconds: 0,
				rate500: 0.15,
				rate503: 0.1,
				rateDrop: 0.1,
				rateDropAfterProcessing: 0.1,
				spikeRate: 0.1,
				spikeMs: 50,
			},
			{ route: 'closereasons', rate500: 0.2 },
		],
	});
	for (let index = 0; index < options.operations; index++) {
		const caseId = random.pick(cases);
		const kind = random.pick(['create', 'update', 'close', 'reopen', 'get', 'getMany'] as const);
		const note = text(`${kind}${index}`);
		const parameters: INodeParameters =
			kind === 'create'
				? create(note)
				: kind === 'update'
					? {
							resource: 'patientCase',
							operation: 'update',
							patientId: '12',
							patientCaseId: String(caseId),
							updateFields: {
								internalNote: note,
								subject: note.slice(0, 60),
								callbackName: 'Whitcombe-Soak',
							},
						}
					: kind === 'close'
						? {
								resource: 'patientCase',
								operation: 'close',
								patientId: '12',
								patientCaseId: String(caseId),
								closeReasonId: '1',
								note,
							}
						: kind === 'reopen'
							? {
									resource: 'patientCase',
									operation: 'reopen',
									patientId: '12',
									patientCaseId: String(caseId),
								}
							: kind === 'get'
								? {
										resource: 'patientCase',
										operation: 'get',
										patientId: '12',
										patientCaseId: String(caseId),
									}
								: {
										resource: 'patientCase',
										operation: 'getMany',
										patientId: '12',
										departmentId: '3',
										returnAll: true,
									};
		const continueOnFail = index % 2 === 1;
		outcome.operations++;
		try {
			const [out] = await executeNode(actionNode, parameters, credentials, [{ json: {} }], {
				continueOnFail,
			});
			for (const item of out) {
				if (item.json.error !== undefined) {
					outcome.failed++;
					corpus.add('error', `Continue On Fail item of ${kind}`, JSON.stringify(item.json));
				} else {
					outcome.succeeded++;
					// Reads return the case itself (its note included, by design); writes only confirm.
					if (kind !== 'get' && kind !== 'getMany')
						corpus.add('outputMetadata', `output of ${kind}`, JSON.stringify(item.json));
					else
						corpus.add(
							'output',
							`output of ${kind}`,
							JSON.stringify(item.json),
							CREDENTIAL_SECRETS,
						);
				}
			}
		} catch (error) {
			outcome.failed++;
			corpus.addError(`action ${kind} under faults`, error);
		}
	}
	sandbox.setFaults({ seed: options.seed, rules: [] });
	outcome.faults = totalFaults(sandbox) - faultsBefore;
	return outcome;
}

function create(note: string): INodeParameters {
	return {
		...VALID.create,
		additionalFields: {
			internalNote: note,
			subject: note.slice(0, 60),
			callbackName: 'Whitcombe-Soak',
			priority: '1',
		},
	};
}

/** Faults the sandbox injected, latency spikes included, base latency not (the soak sets none). */
export function totalFaults(sandbox: Sandbox): number {
	const { faults } = sandbox.stats();
	return Object.entries(faults).reduce(
		(sum, [kind, count]) => (kind === 'latency' ? sum : sum + (count ?? 0)),
		0,
	);
}
