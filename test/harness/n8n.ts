import { ExecuteContext, LoadOptionsContext, PollContext, PollTriggerExecutor } from 'n8n-core';
import { Container } from '@n8n/di';
import type {
	IDataObject,
	INode,
	INodeExecutionData,
	INodeParameters,
	INodeType,
	INodeTypes,
	IRunExecutionData,
	IWorkflowExecuteAdditionalData,
	WorkflowActivateMode,
	WorkflowExecuteMode,
} from 'n8n-workflow';
import { NodeHelpers, Workflow, deepCopy } from 'n8n-workflow';

import type { InMemoryCredentialsHelper } from './credentials';

/**
 * Runs our nodes through n8n-core's real execution contexts (ExecuteContext, PollContext,
 * LoadOptionsContext) and n8n-core's PollTriggerExecutor. Only the credentials store and
 * the workflow database are stood in for.
 */

function nodeTypesOf(type: INodeType): INodeTypes {
	return {
		getByName: () => type,
		getByNameAndVersion: () => type,
		getKnownTypes: () => ({}),
	} as unknown as INodeTypes;
}

function additionalDataFor(credentials: InMemoryCredentialsHelper): IWorkflowExecuteAdditionalData {
	return {
		credentialsHelper: credentials,
		restApiUrl: 'http://127.0.0.1/rest',
		webhookBaseUrl: '',
		webhookWaitingBaseUrl: '',
		webhookTestBaseUrl: '',
		formWaitingBaseUrl: '',
		variables: {},
		executeWorkflow: async () => ({ executionId: '', data: [] }),
		getRunExecutionData: async () => undefined,
		logAiEvent: () => {},
		startRunnerTask: async () => ({ ok: false }),
		currentNodeParameters: undefined,
		userId: 'test-user',
	} as unknown as IWorkflowExecuteAdditionalData;
}

/** The request helpers of a real ExecuteContext, as n8n hands them to a credential's preAuthentication. */
export function requestHelpers(credentials: InMemoryCredentialsHelper) {
	const node = makeNode(credentialProbe, {});
	const workflow = new Workflow({
		id: 'wf-1',
		nodes: [node],
		connections: {},
		active: false,
		nodeTypes: nodeTypesOf(credentialProbe),
	});
	const context = new ExecuteContext(
		workflow,
		node,
		additionalDataFor(credentials),
		'manual',
		{
			resultData: { runData: {} },
		} as unknown as IRunExecutionData,
		0,
		[],
		{ main: [[]] },
		{ node, data: { main: [[]] }, source: null },
		[],
	);
	return { helpers: { httpRequest: context.helpers.httpRequest } };
}

const credentialProbe = {
	description: { displayName: 'Credential test', name: 'credentialTest', properties: [] },
} as unknown as INodeType;

/** A node as n8n stores it in a workflow: parameters completed with their defaults. */
export function makeNode(
	type: INodeType,
	parameters: INodeParameters,
	extra: Partial<INode> = {},
): INode {
	const node: INode = {
		id: 'node-1',
		name: type.description.displayName,
		type: `n8n-nodes-athenahealth.${type.description.name}`,
		typeVersion: 1,
		position: [0, 0],
		parameters: {},
		credentials: { athenahealthApi: { id: 'cred-1', name: 'athenahealth sandbox' } },
		...extra,
	};
	node.parameters =
		NodeHelpers.getNodeParameters(
			type.description.properties,
			parameters,
			true,
			false,
			node,
			type.description,
		) ?? parameters;
	return node;
}

export interface ExecuteResult {
	output: INodeExecutionData[][];
	hints: unknown[];
}

/** Runs an action node's execute() once over `items`, as n8n's WorkflowExecute does. */
export async function executeNode(
	type: INodeType,
	parameters: INodeParameters,
	credentials: InMemoryCredentialsHelper,
	items: INodeExecutionData[] = [{ json: {} }],
	options: {
		continueOnFail?: boolean;
		mode?: WorkflowExecuteMode;
		typeVersion?: number;
		nodeType?: string;
	} = {},
): Promise<INodeExecutionData[][]> {
	const node = makeNode(type, parameters, {
		continueOnFail: options.continueOnFail ?? false,
		...(options.typeVersion === undefined ? {} : { typeVersion: options.typeVersion }),
		...(options.nodeType ? { type: options.nodeType } : {}),
	});
	const workflow = new Workflow({
		id: 'wf-1',
		nodes: [node],
		connections: {},
		active: false,
		nodeTypes: nodeTypesOf(type),
	});
	const runExecutionData = {
		startData: {},
		resultData: { runData: {} },
		executionData: {
			contextData: {},
			nodeExecutionStack: [],
			metadata: {},
			waitingExecution: {},
			waitingExecutionSource: {},
		},
	} as unknown as IRunExecutionData;
	const inputData = { main: [items] };
	const context = new ExecuteContext(
		workflow,
		node,
		additionalDataFor(credentials),
		options.mode ?? 'manual',
		runExecutionData,
		0,
		items,
		inputData,
		{ node, data: inputData, source: { main: [{ previousNode: 'Start' }] } },
		[],
	);
	return (await type.execute!.call(context)) as INodeExecutionData[][];
}

/** A workflow holding just this node, as the editor has it while the user edits the node. */
function editedWorkflow(type: INodeType, parameters: INodeParameters) {
	const node = makeNode(type, parameters);
	const workflow = new Workflow({
		id: 'wf-1',
		nodes: [node],
		connections: {},
		active: false,
		nodeTypes: nodeTypesOf(type),
	});
	return { node, workflow };
}

/** The context the editor calls a node's loadOptions and listSearch methods with. */
function editorContext(
	type: INodeType,
	parameters: INodeParameters,
	credentials: InMemoryCredentialsHelper,
): LoadOptionsContext {
	const { node, workflow } = editedWorkflow(type, parameters);
	const additionalData = additionalDataFor(credentials);
	additionalData.currentNodeParameters = node.parameters;
	return new LoadOptionsContext(workflow, node, additionalData, '');
}

/** Calls a loadOptions method as the editor does. */
export async function loadOptions(
	type: INodeType,
	method: string,
	parameters: INodeParameters,
	credentials: InMemoryCredentialsHelper,
) {
	return await type.methods!.loadOptions![method].call(
		editorContext(type, parameters, credentials),
	);
}

/** A node's subtitle as the canvas shows it, evaluated by n8n's expression engine. */
export function subtitleOf(type: INodeType, parameters: INodeParameters): unknown {
	const { node, workflow } = editedWorkflow(type, parameters);
	return workflow.expression.getSimpleParameterValue(
		node,
		type.description.subtitle,
		'internal',
		{},
	);
}

/** Calls a listSearch method (a resource locator's "From list") as the editor does while the user types. */
export async function listSearch(
	type: INodeType,
	method: string,
	parameters: INodeParameters,
	credentials: InMemoryCredentialsHelper,
	filter?: string,
) {
	return await type.methods!.listSearch![method].call(
		editorContext(type, parameters, credentials),
		filter,
	);
}

export interface PollOutcome {
	/** Items emitted by this tick, null when the poll emitted nothing. */
	emitted: INodeExecutionData[] | null;
	/** The error n8n would record as a failed execution, if any. */
	error: Error | null;
}

/**
 * A polling trigger in a workflow, with n8n's persistence rules for its static data: what n8n
 * would save is copied to `persisted` when the poll emits (and when a null poll commits its
 * cursor, as n8n 2.41 does). `restart()` throws away everything in memory, like a crash.
 */
let workflowIds = 0;

export class PolledWorkflow {
	persisted: IDataObject = {};
	/** Its own id, as n8n gives each workflow: the trigger's drain lease is per workflow and node. */
	readonly id = `wf-${++workflowIds}`;
	private workflow!: Workflow;
	private node!: INode;
	/** The context n8n built at activation; every scheduled tick runs on it (n8n-core 2.41). */
	private active?: { context: PollContext; activation: WorkflowActivateMode };
	/** Where the current poll's outcome goes. */
	private sink: PollOutcome = { emitted: null, error: null };
	executions: INodeExecutionData[][] = [];
	failedExecutions: Error[] = [];

	constructor(
		readonly type: INodeType,
		readonly parameters: INodeParameters,
		readonly credentials: InMemoryCredentialsHelper,
		readonly options: { pollBudgetMs?: number; typeVersion?: number } = {},
	) {
		this.restart();
	}

	/** Loads the workflow again from what was persisted, as n8n does after a restart. */
	restart() {
		this.node = makeNode(
			this.type,
			this.parameters,
			this.options.typeVersion === undefined ? {} : { typeVersion: this.options.typeVersion },
		);
		this.workflow = new Workflow({
			id: this.id,
			nodes: [this.node],
			connections: {},
			active: true,
			nodeTypes: nodeTypesOf(this.type),
			staticData: deepCopy(this.persisted),
		});
		this.active = undefined;
	}

	get staticData(): IDataObject {
		return this.workflow.getStaticData('node', this.node);
	}

	private save() {
		this.persisted = deepCopy(this.workflow.staticData as IDataObject);
	}

	/** `budgetMs` fixes the poll budget; by default it is read from `options` at each poll. */
	private context(mode: WorkflowExecuteMode, activation: WorkflowActivateMode, budgetMs?: number) {
		const budget = () => budgetMs ?? this.options.pollBudgetMs;
		return new PollContext(
			this.workflow,
			this.node,
			additionalDataFor(this.credentials),
			mode,
			activation,
			(data) => {
				this.save();
				this.sink.emitted = data[0];
				this.executions.push(data[0]);
			},
			(error) => {
				this.sink.error = error;
				this.failedExecutions.push(error);
			},
			async () => this.save(),
			undefined,
			undefined,
			budget() === undefined ? undefined : () => budget()!,
		);
	}

	/**
	 * One poll as n8n 2.41 runs it with its default scheduling: when the workflow is not active in
	 * this process yet (new, or after `restart()`), n8n activates it, which runs the first poll on a
	 * fresh context (a failure fails the activation, reported here as the outcome's error; n8n then
	 * saves the static data); every later tick runs on that same context through
	 * PollTriggerExecutor. `activation` is the mode of an activation ('activate', 'init' after a
	 * restart, 'leadershipChange' on a new leader); another mode than the active one re-activates.
	 */
	async tick(activation: WorkflowActivateMode = 'activate'): Promise<PollOutcome> {
		const outcome: PollOutcome = { emitted: null, error: null };
		const executor = Container.get(PollTriggerExecutor);
		if (!this.active || this.active.activation !== activation) {
			const context = this.context('trigger', activation);
			this.active = { context, activation };
			this.sink = outcome;
			try {
				await executor.create(this.workflow, this.node, context, () => true)(true);
				this.save();
			} catch (error) {
				outcome.error = error as Error;
				this.active = undefined;
			}
			return outcome;
		}
		this.sink = outcome;
		await executor.create(this.workflow, this.node, this.active.context, () => true)(false);
		return outcome;
	}

	/**
	 * One poll of n8n's durable scheduler (N8N_SCHEDULER_ENABLED with durable cursors): a fresh
	 * context with activation mode 'update' on static data loaded from what was saved (the cursor),
	 * so nothing kept in memory survives from one poll to the next, and polls may overlap. What the
	 * poll emits, or stages with a null result, is saved. `abandon` throws the result away, as the
	 * scheduler does with a poll that ran past its timeout (the poll itself ran to its end).
	 */
	async durableTick({
		budgetMs = this.options.pollBudgetMs ?? 36_000,
		abandon = false,
	} = {}): Promise<PollOutcome> {
		const outcome: PollOutcome = { emitted: null, error: null };
		const node = makeNode(this.type, this.parameters);
		const workflow = new Workflow({
			id: this.id,
			nodes: [node],
			connections: {},
			active: true,
			nodeTypes: nodeTypesOf(this.type),
			staticData: deepCopy(this.persisted),
		});
		const save = () => {
			if (!abandon) this.persisted = deepCopy(workflow.staticData as IDataObject);
		};
		const context = new PollContext(
			workflow,
			node,
			additionalDataFor(this.credentials),
			'trigger',
			'update',
			(data) => {
				if (abandon) return;
				save();
				outcome.emitted = data[0];
				this.executions.push(data[0]);
			},
			(error) => {
				outcome.error = error;
				if (!abandon) this.failedExecutions.push(error);
			},
			async () => save(),
			undefined,
			undefined,
			() => budgetMs,
		);
		await Container.get(PollTriggerExecutor).create(workflow, node, context, () => true)(false);
		return outcome;
	}

	/** A tick whose result is thrown away after poll() returned: n8n died before saving. */
	async crashAfterPoll(): Promise<INodeExecutionData[] | null> {
		if (!this.active) await this.tick();
		const result = await this.type.poll!.call(this.active!.context);
		this.restart();
		return result ? result[0] : null;
	}

	/** "Fetch Test Event" in the editor: manual mode, nothing saved. */
	async manual(): Promise<INodeExecutionData[] | null> {
		const context = this.context('manual', 'manual');
		const result = await this.type.poll!.call(context);
		return result ? result[0] : null;
	}
}
