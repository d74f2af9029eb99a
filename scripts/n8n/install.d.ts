// Types for install.js.
export interface N8nPaths {
	cache: string;
	nodeDir: string;
	nodeBin: string;
	n8nDir: string;
	n8nBin: string;
	stamp: string;
	nodeVersion: string;
	n8nVersion: string;
}
export declare const REPO_ROOT: string;
export declare const NODE_VERSION: string;
export declare const N8N_VERSION: string;
export declare function paths(cache?: string): N8nPaths;
export declare function isInstalled(p?: N8nPaths): boolean;
export declare function ensureInstalled(options?: { log?: (message: string) => void }): N8nPaths;
export declare function node24Env(p: N8nPaths): NodeJS.ProcessEnv;
