import type {
	ICredentialDataDecryptedObject,
	ICredentialType,
	ICredentials,
	IHttpRequestHelper,
	IHttpRequestOptions,
	INode,
	INodeCredentialsDetails,
	INodeProperties,
	IRequestOptionsSimplified,
} from 'n8n-workflow';
import { ICredentialsHelper } from 'n8n-workflow';

import { AthenahealthApi } from '../../credentials/AthenahealthApi.credentials';
import { sandboxCredentialData } from '../sandbox';

/**
 * n8n's CredentialsHelper lives in the n8n cli package, not in n8n-core, so this in-memory one
 * stands in for it, following its rules: preAuthentication runs when the expirable field is empty
 * or after a 401, and the new token is persisted for later requests.
 */
export class InMemoryCredentialsHelper extends ICredentialsHelper {
	readonly type: ICredentialType = new AthenahealthApi();
	/** Stored credential data, as n8n's database would hold it. */
	data: ICredentialDataDecryptedObject;
	/** Token requests preAuthentication made. */
	tokenFetches = 0;

	constructor(data: ICredentialDataDecryptedObject) {
		super();
		this.data = { accessToken: '', ...data };
	}

	getParentTypes(): string[] {
		return [];
	}

	isCredentialUsableByNode(): boolean {
		return true;
	}

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		_typeName: string,
		requestOptions: IHttpRequestOptions | IRequestOptionsSimplified,
	): Promise<IHttpRequestOptions> {
		const authenticate = this.type.authenticate;
		if (typeof authenticate !== 'function')
			throw new Error('athenahealthApi.authenticate must be a function');
		return await authenticate(credentials, requestOptions as IHttpRequestOptions);
	}

	async preAuthentication(
		helpers: IHttpRequestHelper,
		credentials: ICredentialDataDecryptedObject,
		_typeName: string,
		_node: INode,
		credentialsExpired: boolean,
	): Promise<ICredentialDataDecryptedObject | undefined> {
		if (credentials.accessToken !== '' && !credentialsExpired) return undefined;
		return await this.runPreAuthentication(helpers, credentials);
	}

	async runPreAuthentication(
		helpers: IHttpRequestHelper,
		credentials: ICredentialDataDecryptedObject,
	): Promise<ICredentialDataDecryptedObject | undefined> {
		this.tokenFetches++;
		const output = (await this.type.preAuthentication!.call(
			helpers,
			credentials,
		)) as ICredentialDataDecryptedObject;
		this.data = { ...this.data, ...output };
		return Object.assign(credentials, output);
	}

	async getCredentials(_details: INodeCredentialsDetails, _type: string): Promise<ICredentials> {
		throw new Error('not used by these tests');
	}

	async getDecrypted(): Promise<ICredentialDataDecryptedObject> {
		return { ...this.data };
	}

	async updateCredentials(
		_details: INodeCredentialsDetails,
		_type: string,
		data: ICredentialDataDecryptedObject,
	) {
		this.data = { ...data };
	}

	async updateCredentialsOauthTokenData(): Promise<void> {}

	getCredentialsProperties(): INodeProperties[] {
		return this.type.properties;
	}
}

/** The sandbox's demo client, for a sandbox at `baseUrl`. */
export function sandboxCredentials(baseUrl: string, extra: ICredentialDataDecryptedObject = {}) {
	return new InMemoryCredentialsHelper({ ...sandboxCredentialData(baseUrl), ...extra });
}
