import { type ParsedCron, parseCron } from "./parse.ts";

/**
 * The EventBridge `cron(minutes hours day-of-month month day-of-week year)` expressions that together fire at
 * exactly the instants `expression` fires at, evaluated in the same time zone (EventBridge Scheduler's
 * `ScheduleExpressionTimezone`).
 *
 * - `?` goes in whichever day field is unrestricted; day-of-week is renumbered SUN=1 … SAT=7 (Unix 0 and 7 → 1).
 * - Values are written as numbers: `*` for a full field, `a/step` for an arithmetic run to the field's end
 *   (not in day-of-week, where AWS has no `/`), `a-b` for three or more consecutive values, otherwise lists.
 * - When both day fields are restricted, Unix ORs them and EventBridge cannot: two expressions are returned,
 *   the day-of-month one first. On a day matching both (the 1st that is a Monday for `0 0 1 * 1`) both
 *   schedules fire at the same instant; consumers dedupe on the scheduled time.
 *
 * Throws CronError for an invalid expression.
 */
export function toEventBridge(expression: string): string[] {
  const cron = parseCron(expression);
  const head = `${render(cron.minutes, 0, 59, true)} ${render(cron.hours, 0, 23, true)}`;
  const month = render(cron.months, 1, 12, true);
  const byDay = `cron(${head} ${render(cron.daysOfMonth, 1, 31, true)} ${month} ? *)`;
  const byWeekday = `cron(${head} ? ${month} ${weekdays(cron)} *)`;
  switch (cron.dayRule) {
    case "every-day":
      return [`cron(${head} * ${month} ? *)`];
    case "day-of-month":
      return [byDay];
    case "day-of-week":
      return [byWeekday];
    case "either":
      return [byDay, byWeekday];
  }
}

function weekdays(cron: ParsedCron): string {
  return render(new Set([...cron.daysOfWeek].map((d) => d + 1)), 1, 7, false);
}

function render(set: ReadonlySet<number>, min: number, max: number, slash: boolean): string {
  const values = [...set].sort((a, b) => a - b);
  if (values.length === max - min + 1) return "*";
  const first = values[0]!;
  const step = (values[1] ?? first) - first;
  const last = values[values.length - 1]!;
  const arithmetic = values.every((v, i) => v === first + i * step);
  if (slash && values.length >= 3 && step >= 2 && arithmetic && last + step > max) return `${first}/${step}`;

  const items: string[] = [];
  for (let i = 0; i < values.length; ) {
    let j = i;
    while (j + 1 < values.length && values[j + 1] === values[j]! + 1) j++;
    if (j - i >= 2) items.push(`${values[i]}-${values[j]}`);
    else for (let k = i; k <= j; k++) items.push(String(values[k]));
    i = j + 1;
  }
  return items.join(",");
}
