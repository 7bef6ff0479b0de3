import { type CronLocale, describeCron } from "./describe.ts";
import { CronError } from "./errors.ts";
import { toEventBridge } from "./eventbridge.ts";
import { nextRuns } from "./next-runs.ts";
import { parseCron } from "./parse.ts";
import { assertTimezone } from "./timezone.ts";

/** The `syncron cron --json` object (and the validate-cron reply); key order is part of the contract. */
export type CronReport =
  | {
      readonly valid: true;
      readonly expression: string;
      readonly timezone: string;
      readonly description: string;
      /** UTC ISO-8601 with milliseconds and `Z`. */
      readonly next_runs: string[];
      readonly eventbridge: string[];
    }
  | { readonly valid: false; readonly expression: string; readonly error: string };

export interface CronReportOptions {
  readonly timezone?: string;
  readonly from?: Date;
  readonly count?: number;
  readonly locale?: CronLocale;
}

/** Validates the expression (and time zone, default UTC) without throwing; `error` is one sentence. */
export function validateCron(
  expression: string,
  timezone?: string,
): { valid: true } | { valid: false; error: string } {
  try {
    parseCron(expression);
    if (timezone !== undefined) assertTimezone(timezone);
    return { valid: true };
  } catch (error) {
    if (error instanceof CronError) return { valid: false, error: error.message };
    throw error;
  }
}

/**
 * Everything syncron knows about an expression, as plain data: pure (no console, no process), so the CLI and
 * the HTTP validate-cron route print the same object. `expression` echoes the input as given. Invalid
 * expressions and zones give `{valid:false}`; a bad `from` or `count` throws RangeError (callers check those).
 */
export function cronReport(expression: string, options: CronReportOptions = {}): CronReport {
  const { timezone = "UTC", locale = "en" } = options;
  const checked = validateCron(expression, timezone);
  if (!checked.valid) return { valid: false, expression, error: checked.error };
  const runs = nextRuns(expression, {
    timezone,
    ...(options.from !== undefined && { from: options.from }),
    ...(options.count !== undefined && { count: options.count }),
  });
  return {
    valid: true,
    expression,
    timezone,
    description: describeCron(expression, locale),
    next_runs: runs.map((run) => run.toISOString()),
    eventbridge: toEventBridge(expression),
  };
}
