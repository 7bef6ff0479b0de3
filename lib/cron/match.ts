import type { ParsedCron } from "./parse.ts";

/** Whether the day (a wall-clock time written as UTC) passes the day-of-month / day-of-week rule. */
export function matchesDay(cron: ParsedCron, wall: Date): boolean {
  const dom = cron.daysOfMonth.has(wall.getUTCDate());
  const dow = cron.daysOfWeek.has(wall.getUTCDay());
  switch (cron.dayRule) {
    case "every-day":
      return true;
    case "day-of-month":
      return dom;
    case "day-of-week":
      return dow;
    case "either":
      return dom || dow;
  }
}
