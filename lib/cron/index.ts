/** The cron engine: the seed's 5-field format, validated strictly, evaluated with EventBridge's DST rules. */
export { type CronLocale, describeCron } from "./describe.ts";
export { CronError } from "./errors.ts";
export { toEventBridge } from "./eventbridge.ts";
export { type NextRunsOptions, nextRuns } from "./next-runs.ts";
export { type DayRule, type ParsedCron, parseCron } from "./parse.ts";
export { type CronReport, type CronReportOptions, cronReport, validateCron } from "./report.ts";
export { assertTimezone } from "./timezone.ts";
