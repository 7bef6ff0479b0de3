import { assertTimezone, CronError, toEventBridge } from "../cron/index.ts";
import { ScheduleValidationError } from "./errors.ts";
import { DEFAULT_NAME_PREFIX, scheduleNames } from "./names.ts";
import type { ScheduleSpec } from "./scheduler.ts";

/** A spec checked once: its schedule names and the EventBridge expressions (one, or two for DOM-OR-DOW). */
export interface ValidSpec {
  readonly names: [string, string];
  /** `cron(...)` expressions, day-of-month one first. */
  readonly expressions: string[];
}

/**
 * Checks what every backend needs: a config id that can name a schedule, a known IANA zone, a valid
 * 5-field cron. Throws ScheduleValidationError naming the field (the CronError is kept as cause).
 */
export function validateSpec(spec: ScheduleSpec, prefix = DEFAULT_NAME_PREFIX): ValidSpec {
  const names = scheduleNames(spec.config_id, prefix);
  try {
    assertTimezone(spec.timezone);
  } catch (error) {
    throw asValidationError(error, "timezone");
  }
  try {
    return { names, expressions: toEventBridge(spec.cron) };
  } catch (error) {
    throw asValidationError(error, "cron");
  }
}

function asValidationError(error: unknown, field: "cron" | "timezone"): unknown {
  if (!(error instanceof CronError)) return error;
  return new ScheduleValidationError(error.message, field, { cause: error });
}

/** The schedule's description: config id and name, within AWS's 512 characters. */
export const describeSchedule = (spec: ScheduleSpec): string =>
  `syncron config ${spec.config_id}${spec.name ? `: ${spec.name}` : ""}`.slice(0, 512);

/** A JSON text without its spacing (key order as written), for comparing; other text as it is. */
export function canonicalJson(text: string | undefined): string {
  try {
    return JSON.stringify(JSON.parse(text ?? ""));
  } catch {
    return text ?? "";
  }
}
