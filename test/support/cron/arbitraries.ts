import fc from "fast-check";
import { validateCron } from "../../../lib/cron/report.ts";

const MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
const DAYS = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

/** Any field syntax the seed allows, over [min, max]; `name` renders a value (number or name). */
function fieldArb(
  min: number,
  max: number,
  name: (v: number) => fc.Arbitrary<string> = (v) => fc.constant(`${v}`),
) {
  const value = fc.integer({ min, max });
  const ordered = fc.tuple(value, value).map(([a, b]): [number, number] => (a <= b ? [a, b] : [b, a]));
  const step = fc.integer({ min: 1, max: max - min + 1 });
  const single = value.chain(name);
  const range = ordered.chain(([a, b]) => fc.tuple(name(a), name(b)).map(([x, y]) => `${x}-${y}`));
  const item = fc.oneof(
    single,
    range,
    fc.tuple(range, step).map(([r, s]) => `${r}/${s}`),
    fc.tuple(single, step).map(([v, s]) => `${v}/${s}`),
    step.map((s) => `*/${s}`),
  );
  return fc.oneof(
    { weight: 2, arbitrary: fc.constant("*") },
    { weight: 3, arbitrary: item },
    {
      weight: 2,
      arbitrary: fc.array(item, { minLength: 2, maxLength: 3 }).map((items) => items.join(",")),
    },
  );
}

const named = (names: string[], offset: number) => (v: number) =>
  v - offset < names.length ? fc.constantFrom(`${v}`, names[v - offset]!) : fc.constant(`${v}`);

// Minutes stay sparse (at most 4 a hour) so a year of runs stays cheap; every other field is unrestricted.
const minute = fc.oneof(
  fc.integer({ min: 0, max: 59 }).map(String),
  fc.uniqueArray(fc.integer({ min: 0, max: 59 }), { minLength: 2, maxLength: 2 }).map((v) => v.join(",")),
  fc.constantFrom("*/30", "5/30", "10-50/40"),
);
/** Random valid expressions in every syntax the seed allows (names, 7, steps, lists, both day fields). */
export const cronExpression = fc
  .tuple(
    minute,
    fieldArb(0, 23),
    fieldArb(1, 31),
    fieldArb(1, 12, named(MONTHS, 1)),
    fieldArb(0, 7, named([...DAYS, "SUN"], 0)),
  )
  .map((fields) => fields.join(" "))
  .filter((e) => validateCron(e).valid);
