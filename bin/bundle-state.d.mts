/** Written by scripts/build.mjs beside the bundle: the project files the bundle was built from, relative to the root. */
export const INPUTS_FILE: string;
/**
 * Why the bundle in `distDir` (built from the project at `root`) is stale, or null when it is not: a file
 * it was built from changed after it, or is gone, or the build predates the input list.
 */
export function staleReason(root: string, distDir: string): string | null;
