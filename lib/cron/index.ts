/** The cron engine: the seed's 5-field format, validated strictly, evaluated with EventBridge's DST rules. */
export type { CronLocale } from "./describe.ts";
export { CronError } from "./errors.ts";
export { toEventBridge } from "./eventbridge.ts";
export { nextRuns } from "./next-runs.ts";
export { type CronReport, cronReport } from "./report.ts";
export { assertTimezone } from "./timezone.ts";
