import { CronExpressionParser } from "cron-parser";
import { matchesWallClock } from "./match.ts";
import { type ParsedCron, parseCron } from "./parse.ts";
import { assertTimezone, instantsAt, wallClock } from "./timezone.ts";

export interface NextRunsOptions {
  /** IANA time zone the expression is read in; default UTC. */
  readonly timezone?: string;
  /** Runs are strictly after this instant; default now. */
  readonly from?: Date;
  /** How many runs; default 5. */
  readonly count?: number;
}

/**
 * The next `count` instants at which `expression` fires in `timezone`, strictly after `from`, ascending.
 *
 * Daylight saving follows EventBridge Scheduler, so local runs and production runs agree:
 * - a local time skipped by spring-forward does not fire (`30 2 * * *` in America/New_York has no run on
 *   2026-03-08; cron-parser alone would fire at 03:30);
 * - a local time repeated by fall-back fires once, at its first occurrence (`30 1 * * *` fires at 01:30 EDT
 *   on 2026-11-01, not again at 01:30 EST; `0 * * * *` has no run at 01:00 EST).
 *
 * Throws CronError for an invalid expression or time zone, RangeError for a bad `from` or `count`.
 */
export function nextRuns(expression: string, options: NextRunsOptions = {}): Date[] {
  const { timezone = "UTC", from = new Date(), count = 5 } = options;
  const cron = parseCron(expression);
  assertTimezone(timezone);
  if (Number.isNaN(from.getTime())) throw new RangeError("from: not a valid date");
  if (!Number.isInteger(count) || count < 0)
    throw new RangeError(`count: ${count} is not a whole number >= 0`);

  const runs: Date[] = [];
  if (count === 0) return runs;
  const iterator = CronExpressionParser.parse(toCronParser(cron), { tz: timezone, currentDate: from });
  let last = from.getTime();
  // cron-parser moves a time inside a spring-forward gap to after it and repeats fall-back times: skip both.
  for (let guard = 0; runs.length < count && guard < count + 10_000; guard++) {
    let instant: number;
    try {
      instant = iterator.next().getTime();
    } catch {
      break; // past cron-parser's last supported year
    }
    if (instant <= last) continue;
    const wall = wallClock(instant, timezone);
    if (!matchesWallClock(cron, wall) || instantsAt(wall, timezone)[0] !== instant) continue;
    runs.push(new Date(instant));
    last = instant;
  }
  return runs;
}

/** Plain numeric lists, so cron-parser's own dialect (names, 7, steps, `*` rules) cannot change the meaning. */
function toCronParser(cron: ParsedCron): string {
  const list = (values: ReadonlySet<number>) => [...values].sort((a, b) => a - b).join(",");
  const dom = cron.dayRule === "day-of-month" || cron.dayRule === "either" ? list(cron.daysOfMonth) : "*";
  const dow = cron.dayRule === "day-of-week" || cron.dayRule === "either" ? list(cron.daysOfWeek) : "*";
  return `${list(cron.minutes)} ${list(cron.hours)} ${dom} ${list(cron.months)} ${dow}`;
}
