/**
 * The two nodes under test. Loaded by their `.ts` file name: under ts-node (`npm run soak`) a bare
 * `Athenahealth.node` resolves to the codex file `Athenahealth.node.json` first.
 */
/* eslint-disable @typescript-eslint/no-require-imports */
const action =
	require('../../nodes/Athenahealth/Athenahealth.node.ts') as typeof import('../../nodes/Athenahealth/Athenahealth.node');
const trigger =
	require('../../nodes/Athenahealth/AthenahealthTrigger.node.ts') as typeof import('../../nodes/Athenahealth/AthenahealthTrigger.node');

export const actionNode = new action.Athenahealth();
export const triggerNode = new trigger.AthenahealthTrigger();
