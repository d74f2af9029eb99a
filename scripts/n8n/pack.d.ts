// Types for pack.js.
export declare function installPackedPackage(options: {
	userFolder: string;
	/** Folder of the built package (default: the repository root). */
	packageDir?: string;
	/** An already packed package (.tgz) to install instead of packing packageDir. */
	tarball?: string;
	log?: (message: string) => void;
}): { name: string; version: string; dir: string; files: number };
/** `npm pack` of a built package folder into destDir: the tarball's path and file count. */
export declare function packPackage(
	packageDir: string,
	destDir: string,
): { file: string; files: number };
