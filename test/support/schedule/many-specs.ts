import type { ScheduleSpec } from "../../../lib/schedule/scheduler.ts";

/**
 * `count` configs (default 10,000), every 7th one both day-of-month and day-of-week, which the AWS
 * backends hold as two schedules: 11,428 schedules for 10,000 configs ({@link schedulesOf}).
 */
export const manySpecs = (count = 10_000): ScheduleSpec[] =>
  Array.from({ length: count }, (_, i) => ({
    config_id: `cfg-${String(i).padStart(5, "0")}`,
    name: `config ${i}`,
    cron: i % 7 === 0 ? "0 2 1 * 1" : `${i % 60} ${i % 24} * * *`,
    timezone: i % 2 ? "Europe/Paris" : "UTC",
    enabled: true,
  }));

/** The schedules `manySpecs(count)` makes on an AWS backend. */
export const schedulesOf = (count: number): number => count + Math.ceil(count / 7);
