/**
 * `/_sandbox/*`: control for other processes (benchmarks, `npm run dev`, end-to-end runs with a real
 * n8n). No auth: the server listens on 127.0.0.1 only. Never faulted, never in the request log.
 */
import { z } from 'zod';
import { getFeed } from '../../nodes/Athenahealth/feeds/catalog';
import type { SandboxCore } from './core';
import { formatEastern } from './eastern';
import { injectSpecSchema } from './inject';
import { jsonReply, type Reply } from './protocol';

const clockBody = z.object({ ms: z.number() }).strict();
const replayBody = z
	.object({ includesQueued: z.boolean().optional(), ignoresOffset: z.boolean().optional() })
	.strict();
const injectBody = injectSpecSchema.extend({ returnRecords: z.boolean().optional() });
const quotaBody = z
	.object({ clientId: z.string().optional(), remaining: z.number().int().min(0) })
	.strict();

type ControlRoute = (core: SandboxCore, input: unknown) => unknown;

const ROUTES: Record<string, ControlRoute> = {
	'POST inject': (core, input) => {
		const { returnRecords, ...spec } = injectBody.parse(input);
		const records = core.inject(spec);
		const { idField } = getFeed(spec.feed);
		return {
			injected: records.length,
			ids: records.map((record) => record[idField]),
			...(returnRecords && { records }),
		};
	},
	'POST faults': (core, input) => core.setFaults(input as Parameters<SandboxCore['setFaults']>[0]),
	'POST replay': (core, input) => core.setReplayBehaviour(replayBody.parse(input)),
	'GET clock': (core) => clockState(core),
	'POST clock/advance': (core, input) => {
		core.clock.advance(clockBody.parse(input).ms);
		return clockState(core);
	},
	'POST clock/set': (core, input) => {
		core.clock.set(clockBody.parse(input).ms);
		return clockState(core);
	},
	'POST tokens/expire': (core) => core.tokens.expireAll(),
	'POST quota': (core, input) => {
		const { clientId, remaining } = quotaBody.parse(input);
		for (const client of core.options.clients)
			if (!clientId || client.clientId === clientId)
				core.quota.setRemaining(client.clientId, remaining);
	},
	'GET stats': (core) => core.stats.snapshot(),
	'POST reset': (core) => core.reset(),
	'GET cases': (core) => core.caseList(),
	'GET queues': (core) => core.state.queues(),
};

export const CONTROL_ENDPOINTS = Object.keys(ROUTES);

function clockState(core: SandboxCore): { now: number; eastern: string } {
	const now = core.clock.now();
	return { now, eastern: formatEastern(now) };
}

/** `path` is the part after `/_sandbox/`; bodies are JSON. Answers `{"ok":true}` when a route returns nothing. */
export function handleControl(
	core: SandboxCore,
	method: string,
	path: string,
	body: string,
): Reply {
	const route = ROUTES[`${method} ${path.replace(/\/+$/, '')}`];
	if (!route)
		return jsonReply(404, {
			error: `No control endpoint ${method} /_sandbox/${path}.`,
			endpoints: CONTROL_ENDPOINTS,
		});
	try {
		const result = route(core, body ? JSON.parse(body) : {});
		return jsonReply(200, result ?? { ok: true });
	} catch (error) {
		if (error instanceof z.ZodError)
			return jsonReply(400, { error: 'Invalid control request body.', issues: error.issues });
		return jsonReply(400, { error: error instanceof Error ? error.message : String(error) });
	}
}
