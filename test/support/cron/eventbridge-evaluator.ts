/**
 * Test-only: an independent evaluator of the EventBridge Scheduler cron dialect, written from AWS's
 * "Cron expressions reference" (not from lib/cron), used to prove that `toEventBridge` fires like `nextRuns`.
 *
 * Supports the numeric subset syncron emits — `*`, `?`, lists, `a-b`, `a/step`, `*\/step` — and refuses
 * the rest loudly, and enforces AWS's rules: 6 fields, exactly one of day-of-month / day-of-week is `?`,
 * no `/` in day-of-week (SUN=1 … SAT=7). Daylight saving follows EventBridge Scheduler: a local time that
 * does not exist is skipped, a local time that exists twice fires once, at its first occurrence.
 */

interface EventBridgeCron {
  readonly minutes: ReadonlySet<number>;
  readonly hours: ReadonlySet<number>;
  /** undefined = `?` */
  readonly daysOfMonth: ReadonlySet<number> | undefined;
  readonly months: ReadonlySet<number>;
  readonly daysOfWeek: ReadonlySet<number> | undefined;
  readonly years: ReadonlySet<number>;
}

function field(text: string, min: number, max: number, slash: boolean): Set<number> {
  const values = new Set<number>();
  for (const item of text.split(",")) {
    const m = /^(\*|\d+)(?:-(\d+))?(?:\/(\d+))?$/.exec(item);
    if (!m) throw new Error(`EventBridge: bad item ${item} in ${text}`);
    const [, a = "", b, s] = m;
    if (s !== undefined && !slash) throw new Error(`EventBridge: / is not allowed in ${text}`);
    const lo = a === "*" ? min : Number(a);
    const hi = b !== undefined ? Number(b) : a === "*" || s !== undefined ? max : lo;
    const step = s === undefined ? 1 : Number(s);
    if (lo < min || hi > max || lo > hi || step < 1)
      throw new Error(`EventBridge: ${item} is out of ${min}-${max}`);
    for (let v = lo; v <= hi; v += step) values.add(v);
  }
  return values;
}

export function parseEventBridge(expression: string): EventBridgeCron {
  const m = /^cron\((.*)\)$/.exec(expression);
  const parts = m?.[1]?.split(" ") ?? [];
  if (parts.length !== 6) throw new Error(`EventBridge: not a 6-field cron(...): ${expression}`);
  const [mi = "", h = "", dom = "", mon = "", dow = "", y = ""] = parts;
  if ((dom === "?") === (dow === "?"))
    throw new Error(`EventBridge: exactly one day field must be ?: ${expression}`);
  return {
    minutes: field(mi, 0, 59, true),
    hours: field(h, 0, 23, true),
    daysOfMonth: dom === "?" ? undefined : field(dom, 1, 31, true),
    months: field(mon, 1, 12, true),
    daysOfWeek: dow === "?" ? undefined : field(dow, 1, 7, false),
    years: field(y, 1970, 2199, true),
  };
}

const formats = new Map<string, Intl.DateTimeFormat>();

/** The UTC offset (ms) at a whole-minute instant, read from Intl directly. */
function offsetOf(instant: number, timezone: string): number {
  let format = formats.get(timezone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-CA", {
      timeZone: timezone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
    });
    formats.set(timezone, format);
  }
  const parts = format.formatToParts(instant);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  return Date.UTC(get("year"), get("month") - 1, get("day"), get("hour"), get("minute")) - instant;
}

const MINUTE = 60_000;
const DAY = 86_400_000;

function fires(cron: EventBridgeCron, wall: Date): boolean {
  return (
    cron.years.has(wall.getUTCFullYear()) &&
    cron.months.has(wall.getUTCMonth() + 1) &&
    (cron.daysOfMonth === undefined || cron.daysOfMonth.has(wall.getUTCDate())) &&
    (cron.daysOfWeek === undefined || cron.daysOfWeek.has(wall.getUTCDay() + 1)) &&
    cron.hours.has(wall.getUTCHours()) &&
    cron.minutes.has(wall.getUTCMinutes())
  );
}

/**
 * All instants in (from, until] at which the union of `expressions` fires in `timezone`, ascending and
 * without duplicates (two schedules firing at one instant count once: consumers dedupe on scheduled time).
 *
 * Walks real time minute by minute and fires when the zone's wall clock shows a matching time it has not
 * shown before: a time skipped by spring-forward is never shown, a time repeated by fall-back fires once.
 */
export function evaluateEventBridge(
  expressions: readonly string[],
  timezone: string,
  from: Date,
  until: Date,
): number[] {
  const crons = expressions.map(parseEventBridge);
  const result: number[] = [];
  // Wall clocks only go back at fall-back, so a wall time was shown before iff it is <= the latest one shown.
  let latest = Number.NEGATIVE_INFINITY;
  // Start a day early so a wall time repeated just after `from` is known to have been shown already.
  const start = Math.floor(from.getTime() / MINUTE) * MINUTE - DAY;
  for (let day = start; day <= until.getTime(); day += DAY) {
    // Offsets change at most once a day: read them per minute only on a day whose ends disagree.
    const offset = offsetOf(day, timezone);
    const steady = offset === offsetOf(day + DAY, timezone);
    for (let t = day; t < day + DAY && t <= until.getTime(); t += MINUTE) {
      const wall = t + (steady ? offset : offsetOf(t, timezone));
      if (wall <= latest) continue;
      latest = wall;
      const ofDay = wall - Math.floor(wall / DAY) * DAY;
      const hour = Math.floor(ofDay / 3_600_000);
      const minute = Math.floor(ofDay / MINUTE) % 60;
      if (t <= from.getTime() || !crons.some((c) => c.hours.has(hour) && c.minutes.has(minute))) continue;
      if (crons.some((cron) => fires(cron, new Date(wall)))) result.push(t);
    }
  }
  return result;
}
