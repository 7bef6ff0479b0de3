/** Errors of the use cases that are not the store's, scheduler's or queue's own. */

/** A manual run asked for a disabled config: enable it first (the worker would refuse it anyway). */
export class ConfigDisabledError extends Error {
  override name = "ConfigDisabledError";

  constructor(readonly configId: string) {
    super(`sync config ${configId} is disabled; enable it before running it`);
  }
}
