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

/** A manual run asked for a config whose run `taskId` holds its lease (STARTED): wait, or cancel that run. */
export class ConfigBusyError extends Error {
  override name = "ConfigBusyError";

  constructor(
    readonly configId: string,
    readonly taskId: string,
  ) {
    super(
      `sync config ${configId} is running (task ${taskId}); wait for it to finish or cancel it with POST /api/v1/runs/${taskId}/cancel`,
    );
  }
}

/** A retry or cancel asked for a run whose status does not allow it (API: 409). */
export class RunStateError extends Error {
  override name = "RunStateError";

  constructor(
    readonly code: "RUN_NOT_RETRYABLE" | "RUN_FINISHED",
    readonly taskId: string,
    readonly status: string,
    message: string,
  ) {
    super(message);
  }
}

/** The config named here and another config share a target folder and one of them is a mirror (API: 409). */
export class TargetSharedError extends Error {
  override name = "TargetSharedError";

  constructor(
    /** The other config: its id, name and target (redacted). */
    readonly other: { readonly id: string; readonly name: string; readonly target: string },
    /** This config's target (redacted). */
    readonly target: string,
    message: string,
  ) {
    super(message);
  }
}
