/** `syncron cron`: validate a cron expression, show its next runs and its EventBridge form. */
import { type CronLocale, type CronReport, cronReport } from "../cron/index.ts";
import { oneOf, parseFlags, UsageError, wholeNumber } from "./args.ts";
import { localeFromEnv } from "./locale.ts";

export const usage = `Usage: syncron cron <expression> [options]

Checks a 5-field cron expression (minute hour day-of-month month day-of-week), describes it, lists its
next runs and prints the EventBridge Scheduler expression(s) that fire at the same instants.

Options:
  --tz ZONE        IANA time zone the expression is read in (default UTC)
  --from ISO       list runs strictly after this instant (default now), e.g. 2026-01-01T00:00:00Z
  --count N        how many runs to list, 1-1000 (default 5)
  --locale LOCALE  description language: en or zh-CN (default: zh-CN when LC_ALL, LC_MESSAGES
                   or LANG names a Chinese locale, else en)
  --json           print one JSON object instead of text
  -h, --help       show this help

Exit codes: 0 valid, 1 invalid expression or time zone, 2 usage error.

Example:
  syncron cron "0 9,18 * * 1-5" --tz Asia/Shanghai --count 3`;

const LOCALES: readonly CronLocale[] = ["en", "zh-CN"];
const MAX_COUNT = 1000;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?$/;

interface CronArgs {
  readonly expression: string;
  readonly timezone: string;
  readonly from: Date;
  readonly count: number;
  readonly locale: CronLocale;
  readonly json: boolean;
}

const FLAGS = {
  tz: { type: "string" },
  from: { type: "string" },
  count: { type: "string" },
  locale: { type: "string" },
  json: { type: "boolean" },
} as const;

function parse(args: string[], now: Date, env: NodeJS.ProcessEnv): CronArgs {
  const { values, positionals } = parseFlags(args, FLAGS);
  const [expression] = positionals;
  if (expression === undefined || positionals.length !== 1) {
    throw new UsageError(
      positionals.length === 0
        ? "missing the cron expression"
        : `expected one quoted expression but got ${positionals.length} arguments (quote it: "0 2 * * *")`,
    );
  }
  const from = values.from === undefined ? now : new Date(values.from);
  if (Number.isNaN(from.getTime()) || (values.from !== undefined && !ISO_DATE.test(values.from))) {
    throw new UsageError(`--from: ${JSON.stringify(values.from)} is not an ISO-8601 date-time`);
  }
  return {
    expression,
    timezone: values.tz ?? "UTC",
    from,
    count: wholeNumber("--count", values.count, 5, { max: MAX_COUNT }),
    locale: oneOf("--locale", values.locale, LOCALES, localeFromEnv(env)),
    json: values.json ?? false,
  };
}

/** Prints the report; exit code 0 when valid, 1 when not. Throws UsageError. */
export async function run(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const options = parse(args, new Date(), env);
  const report = cronReport(options.expression, options);
  if (options.json) console.log(JSON.stringify(report));
  else if (report.valid) console.log(humanReport(report));
  else console.error(`syncron cron: ${report.error}`);
  return report.valid ? 0 : 1;
}

function humanReport(report: Extract<CronReport, { valid: true }>): string {
  const format = new Intl.DateTimeFormat("en-US", {
    timeZone: report.timezone,
    weekday: "short",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
    timeZoneName: "short",
  });
  // "Thu 2026-01-01 09:00 GMT+8": the run in the expression's own zone, beside its UTC instant.
  const local = (iso: string) => {
    const p = Object.fromEntries(format.formatToParts(new Date(iso)).map((part) => [part.type, part.value]));
    return `${p.weekday} ${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute} ${p.timeZoneName}`;
  };
  const label = (text: string) => text.padEnd(13);
  const lines = [
    `${label("Expression")}${report.expression}`,
    `${label("Time zone")}${report.timezone}`,
    `${label("Meaning")}${report.description}`,
  ];
  report.next_runs.forEach((run, i) => {
    lines.push(`${label(i === 0 ? "Next runs" : "")}${run}  ${local(run)}`);
  });
  report.eventbridge.forEach((expression, i) => {
    lines.push(`${label(i === 0 ? "EventBridge" : "")}${expression}`);
  });
  if (report.eventbridge.length > 1) {
    lines.push(`${label("")}(two schedules: Unix cron fires on the day of the month OR the weekday)`);
  }
  return lines.join("\n");
}
