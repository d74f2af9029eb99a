import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

/**
 * The contract every `<operation>.operation.ts` keeps, checked by each resource's `operations`.
 *
 * `execute` handles ONE input item: it validates that item's parameters before any request (a
 * refused item sends nothing) and returns the item's output records: one object, or a list (Get
 * Many, Changed Data), possibly empty. It throws NodeOperationError / NodeApiError with itemIndex.
 */
export interface OperationModule {
	/** The operation's fields, shown only for it (updateDisplayOptions). */
	description: INodeProperties[];
	execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject | IDataObject[]>;
}

/** A resource's operations by their `operation` parameter value. */
export type Operations = Record<string, OperationModule>;
