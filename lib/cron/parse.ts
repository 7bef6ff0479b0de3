import { CronError } from "./errors.ts";
import { FIELDS, type FieldSpec, MAX_DAYS_IN_MONTH } from "./fields.ts";

/**
 * Which days fire. Unix cron ORs day-of-month and day-of-week when both are restricted (neither is a bare
 * `*`), as cron-parser and Vixie cron do for lists and ranges: `0 0 1 * 1` is the 1st OR any Monday.
 */
export type DayRule = "every-day" | "day-of-month" | "day-of-week" | "either";

/** A validated 5-field cron expression as sets of allowed values. */
export interface ParsedCron {
  /** The input, trimmed, fields separated by one space. */
  readonly expression: string;
  readonly minutes: ReadonlySet<number>;
  readonly hours: ReadonlySet<number>;
  readonly daysOfMonth: ReadonlySet<number>;
  readonly months: ReadonlySet<number>;
  /** 0-6, Sunday = 0 (an input 7 is folded to 0). */
  readonly daysOfWeek: ReadonlySet<number>;
  readonly dayRule: DayRule;
}

const UNSUPPORTED = /[LW#?H]/i;
const ITEM = /^(\*|[A-Za-z0-9]+(?:-[A-Za-z0-9]+)?)(?:\/([0-9]+))?$/;

/**
 * Parses and validates the seed's format `minute hour day-of-month month day-of-week`.
 * Accepts `*`, lists, ranges, steps on `*`, on ranges and on a single start (`5/15`), month and weekday names
 * (case-insensitive), and 0 or 7 for Sunday. Throws CronError for anything else, including field counts other
 * than 5, `L W # ? H`, `@macros`, step 0, reversed ranges and a day-of-month that never occurs in its months.
 */
export function parseCron(expression: string): ParsedCron {
  // Callers at the HTTP edge may hand over any JSON value.
  if (typeof expression !== "string") {
    throw new CronError(`expression: ${JSON.stringify(expression) ?? typeof expression} is not a string`);
  }
  const trimmed = expression.trim();
  if (trimmed.startsWith("@")) {
    throw new CronError(
      `expression: the macro ${JSON.stringify(trimmed)} is not supported; write the 5 fields`,
    );
  }
  const parts = trimmed === "" ? [] : trimmed.split(/\s+/);
  if (parts.length !== 5) {
    const hint = parts.length === 6 ? " (seconds and years are not supported)" : "";
    throw new CronError(
      `expression: expected 5 fields (minute hour day-of-month month day-of-week) but got ${parts.length}${hint}`,
    );
  }
  const [minutes, hours, daysOfMonth, months, weekdays] = FIELDS.map((spec, i) =>
    parseField(parts[i]!, spec),
  ) as [Set<number>, Set<number>, Set<number>, Set<number>, Set<number>];
  const daysOfWeek = new Set([...weekdays].map((d) => d % 7));
  const domText = parts[2]!;
  const dowText = parts[4]!;
  const domFull = daysOfMonth.size === 31;
  const dowFull = daysOfWeek.size === 7;
  const domOccurs = [...daysOfMonth].some((d) => [...months].some((m) => d <= MAX_DAYS_IN_MONTH[m - 1]!));

  let dayRule: DayRule;
  if (domText !== "*" && dowText !== "*") {
    // OR with a full set is every day; a day-of-month that never occurs leaves only the weekdays.
    dayRule = domFull || dowFull ? "every-day" : domOccurs ? "either" : "day-of-week";
  } else if (domText !== "*") {
    if (!domOccurs) {
      throw new CronError(`day-of-month: ${domText} never occurs in month ${parts[3]}`);
    }
    dayRule = domFull ? "every-day" : "day-of-month";
  } else if (dowText !== "*") {
    dayRule = dowFull ? "every-day" : "day-of-week";
  } else {
    dayRule = "every-day";
  }
  return { expression: parts.join(" "), minutes, hours, daysOfMonth, months, daysOfWeek, dayRule };
}

/**
 * `expression` (valid, normalized) with every stepped item that yields one value written as that value:
 * a minute of `0-59/61` is `0`, an hour of `0-23/25` is `0`. A describer reads the step literally
 * ("every 61 minutes") where cron fires once an hour; the value is what the item means.
 */
export function withSingleValueSteps(expression: string): string {
  return expression
    .split(" ")
    .map((field, i) =>
      field
        .split(",")
        .map((item) => {
          if (!item.includes("/")) return item;
          const values = parseItem(item, FIELDS[i]!);
          return values.length === 1 ? String(values[0]) : item;
        })
        .join(","),
    )
    .join(" ");
}

function parseField(text: string, spec: FieldSpec): Set<number> {
  const values = new Set<number>();
  for (const item of text.split(",")) {
    if (item === "") throw new CronError(`${spec.name}: ${JSON.stringify(text)} has an empty list item`);
    for (const value of parseItem(item, spec)) values.add(value);
  }
  return values;
}

function parseItem(item: string, spec: FieldSpec): number[] {
  const match = ITEM.exec(item);
  if (!match) {
    // Names such as WED or JUL contain W and L: only letters outside a known name mark an unsupported token.
    const withoutNames = item.replace(/[A-Z]{3}/gi, (n) =>
      spec.names?.[n.toUpperCase()] === undefined ? n : "",
    );
    if (UNSUPPORTED.test(withoutNames)) throw unsupported(item, spec);
    throw new CronError(`${spec.name}: ${JSON.stringify(item)} is not a value, range or step`);
  }
  const [, base = "", stepText] = match;
  let start = spec.min;
  let end = spec.max;
  if (base !== "*") {
    const [from = "", to] = base.split("-");
    start = parseValue(from, spec);
    // A single value with a step runs to the field's end (`5/15`); without one it is just that value.
    end = to !== undefined ? parseValue(to, spec) : stepText !== undefined ? spec.max : start;
    // `MON-SUN` ends on the second Sunday, 7, as crontab(5) allows.
    if (spec.name === "day-of-week" && end === 0 && start > 0 && /^sun$/i.test(to ?? "")) end = 7;
    if (start > end)
      throw new CronError(`${spec.name}: range ${base} is reversed (its start is after its end)`);
  }
  const step = stepText === undefined ? 1 : Number(stepText);
  if (step === 0) throw new CronError(`${spec.name}: step 0 in ${JSON.stringify(item)} must be at least 1`);
  const values: number[] = [];
  for (let v = start; v <= end; v += step) values.push(v);
  return values;
}

function parseValue(token: string, spec: FieldSpec): number {
  if (/^[0-9]+$/.test(token)) {
    const value = Number(token);
    if (value < spec.min || value > spec.max) {
      throw new CronError(`${spec.name}: ${token} is out of range ${spec.min}-${spec.max}`);
    }
    return value;
  }
  const named = spec.names?.[token.toUpperCase()];
  if (named === undefined) {
    if (UNSUPPORTED.test(token)) throw unsupported(token, spec);
    const kind = spec.names
      ? `a number ${spec.min}-${spec.max} or a name`
      : `a number ${spec.min}-${spec.max}`;
    throw new CronError(`${spec.name}: ${JSON.stringify(token)} is not ${kind}`);
  }
  return named;
}

function unsupported(token: string, spec: FieldSpec): CronError {
  return new CronError(
    `${spec.name}: ${JSON.stringify(token)} is not supported (only numbers, names, *, lists, ranges and steps are)`,
  );
}

/** The values of a field in ascending order. */
export function sorted(values: ReadonlySet<number>): number[] {
  return [...values].sort((a, b) => a - b);
}
