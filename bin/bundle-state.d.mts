/** The newest modification time (ms) of a bundled source file under `root`, or 0 when there are none. */
export function newestSourceMtime(root: string): number;
/** The source changed after `bundle` was built (false when the bundle is missing or there are no sources). */
export function bundleIsStale(root: string, bundle: string): boolean;
