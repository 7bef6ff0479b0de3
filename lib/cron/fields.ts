/** The five fields of the seed's cron format, in order, with their ranges and accepted names. */
export interface FieldSpec {
  readonly name: "minute" | "hour" | "day-of-month" | "month" | "day-of-week";
  readonly min: number;
  readonly max: number;
  /** Upper-case names accepted in place of numbers (JAN = 1, SUN = 0). */
  readonly names?: Readonly<Record<string, number>>;
}

const MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
const WEEKDAYS = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

export const FIELDS: readonly FieldSpec[] = [
  { name: "minute", min: 0, max: 59 },
  { name: "hour", min: 0, max: 23 },
  { name: "day-of-month", min: 1, max: 31 },
  { name: "month", min: 1, max: 12, names: Object.fromEntries(MONTHS.map((m, i) => [m, i + 1])) },
  // 7 is accepted as a second Sunday and folded to 0 after parsing.
  { name: "day-of-week", min: 0, max: 7, names: Object.fromEntries(WEEKDAYS.map((d, i) => [d, i])) },
];

/** Days in each month of a leap year: a day that fits nowhere here never occurs. */
export const MAX_DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] as const;
