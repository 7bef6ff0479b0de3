/** Errors of the use cases that are not the store's, scheduler's or queue's own. */

/** A manual run asked for a disabled config: enable it first (the worker would refuse it anyway). */
export class ConfigDisabledError extends Error {
  override name = "ConfigDisabledError";

  constructor(readonly configId: string) {
    super(`sync config ${configId} is disabled; enable it before running it`);
  }
}

/** A manual run asked for a config past its `end_time`: move or clear `end_time` first. */
export class ConfigEndedError extends Error {
  override name = "ConfigEndedError";

  constructor(
    readonly configId: string,
    readonly endTime: string,
  ) {
    super(
      `sync config ${configId} ended at ${endTime} (its end_time); clear or move end_time to run it again`,
    );
  }
}
