import { matchesDay } from "./match.ts";
import { parseCron, sorted } from "./parse.ts";
import { assertTimezone, instantsAt, offsetAt, wallClock } from "./timezone.ts";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** Longest possible gap between two runs of one expression, in days of the walk. */
const GAP = 28 * 366 * DAY;

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
 *   2026-03-08; cron-parser 5 would fire at 03:30 instead);
 * - a local time repeated by fall-back fires once, at its first occurrence (`30 1 * * *` fires at 01:30 EDT
 *   on 2026-11-01, not again at 01:30 EST; `0 * * * *` has no run at 01:00 EST).
 *
 * Evaluated over local calendar days rather than with cron-parser's iterator, which fires a skipped time just
 * after the gap, fires repeated times twice, and costs ~64 µs a run in a time zone (here: a few µs a run).
 * cron-parser stays the test oracle for the calendar logic.
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
  const after = from.getTime();
  const hours = sorted(cron.hours);
  const minutes = sorted(cron.minutes);
  // Walk local calendar days. An expression that matches at all matches again within 28 years (the longest
  // gap between two 29ths of February: 2096 → 2104), so the walk gives up 28 years after the last run found,
  // not 28 years after `from` (30 runs of a yearly cron span 30 years).
  let giveUpAt = Math.floor(wallClock(after, timezone) / DAY) * DAY + GAP;
  for (let day = giveUpAt - GAP; runs.length < count && day < giveUpAt; day += DAY) {
    const date = new Date(day);
    if (!cron.months.has(date.getUTCMonth() + 1) || !matchesDay(cron, date)) continue;
    // Instants of this local day lie within [day - 14h, day + 38h]; one offset across it means no transition.
    const offset = offsetAt(day - 15 * HOUR, timezone);
    const steady = offset === offsetAt(day + DAY + 15 * HOUR, timezone);
    for (const hour of hours) {
      for (const minute of minutes) {
        const wall = day + hour * HOUR + minute * MINUTE;
        // A skipped wall time has no instant; a repeated one fires at its first (EventBridge Scheduler).
        const instant = steady ? wall - offset : instantsAt(wall, timezone)[0];
        if (instant === undefined || instant <= after) continue;
        runs.push(new Date(instant));
        if (runs.length === count) return runs;
        giveUpAt = day + GAP;
      }
    }
  }
  return runs;
}
