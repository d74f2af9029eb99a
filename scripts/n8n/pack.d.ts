// Types for pack.js.
export declare function installPackedPackage(options: {
	userFolder: string;
	/** Folder of the built package (default: the repository root). */
	packageDir?: string;
	log?: (message: string) => void;
}): { name: string; version: string; dir: string; files: number };
