/** The scheduler port: one implementation per backend, all held to the same contract suite. */

/** What the scheduler needs to know about one sync config. */
export interface ScheduleSpec {
  readonly config_id: string;
  /** The config's human name, kept as the schedule's description where the backend has one. */
  readonly name?: string;
  /** 5-field Unix cron, as in the config. */
  readonly cron: string;
  /** IANA time zone. */
  readonly timezone: string;
  readonly enabled: boolean;
  /** ISO instant after which the schedule fires no more (EventBridge Scheduler's EndDate); absent = never. */
  readonly end_time?: string;
}

export type ScheduleState = "ENABLED" | "DISABLED";

/** One underlying schedule (a DOM-OR-DOW config has two on the AWS backends). */
export interface ScheduleInfo {
  readonly config_id: string;
  /** The backend's schedule (or rule) name. */
  readonly name: string;
  /** The backend's expression: `cron(...)` on AWS, the 5-field cron locally. */
  readonly expression: string;
  readonly timezone: string;
  readonly state: ScheduleState;
  /** The schedule's end (ISO), where the backend keeps one. */
  readonly end_time?: string;
  /** Next fire (ISO), where the backend knows it cheaply (local). */
  readonly next_run?: string;
  /**
   * Everything else the backend holds that syncron sets (target queue and role, input, flexible
   * window, retry policy, dead-letter queue, description), as one comparable string: drift in any of
   * it makes the schedule differ from its plan. Absent where the backend has nothing more (local).
   */
  readonly definition?: string;
}

/** The deployed backends: how a config's cron becomes a message on the queue on AWS. */
export const AWS_SCHEDULER_BACKENDS = ["eventbridge-scheduler", "eventbridge-rules"] as const;
export type AwsSchedulerBackend = (typeof AWS_SCHEDULER_BACKENDS)[number];
export const DEFAULT_AWS_SCHEDULER_BACKEND: AwsSchedulerBackend = "eventbridge-scheduler";

/** Every backend: the AWS ones, and `local` (in-process timers, `syncron dev`). */
export const SCHEDULER_BACKENDS = ["local", ...AWS_SCHEDULER_BACKENDS] as const;
export type SchedulerBackend = (typeof SCHEDULER_BACKENDS)[number];

export interface Scheduler {
  readonly backend: SchedulerBackend;
  /** Throws ScheduleValidationError (→ HTTP 400) if this backend cannot express the spec. Calls nothing. */
  check(spec: ScheduleSpec): void;
  /**
   * The schedules `upsert(spec)` leaves in place, computed without calling the backend, comparable field
   * by field with `list()`. Throws ScheduleValidationError.
   */
  plan(spec: ScheduleSpec): ScheduleInfo[];
  /**
   * Creates or updates the config's schedule(s); no mutating call when nothing differs. `listed`: the
   * config's schedules as `list()` returned them just now (a reconcile), which a backend may take for
   * what it holds instead of reading each one again. Throws ScheduleValidationError, SchedulerError.
   */
  upsert(spec: ScheduleSpec, listed?: readonly ScheduleInfo[]): Promise<UpsertResult>;
  /** Removes the config's schedule(s); false if there were none. Throws SchedulerError. */
  remove(configId: string): Promise<boolean>;
  /** All schedules this backend holds for syncron (paged internally). Throws SchedulerError. */
  list(): Promise<ScheduleInfo[]>;
}

export type UpsertResult = "created" | "updated" | "unchanged";

/** True when two sets of schedule infos describe the same schedules (order ignored, `next_run` ignored). */
export function sameSchedules(a: readonly ScheduleInfo[], b: readonly ScheduleInfo[]): boolean {
  if (a.length !== b.length) return false;
  const key = (info: ScheduleInfo) =>
    [
      info.name,
      info.config_id,
      info.expression,
      info.timezone,
      info.state,
      info.end_time ?? "",
      info.definition ?? "",
    ].join("\u0000");
  const left = a.map(key).sort();
  const right = b.map(key).sort();
  return left.every((value, i) => value === right[i]);
}

/** One result for a config from the results of its underlying schedules. */
export function combine(outcomes: readonly UpsertResult[]): UpsertResult {
  if (outcomes.every((outcome) => outcome === "unchanged")) return "unchanged";
  return outcomes.every((outcome) => outcome === "created") ? "created" : "updated";
}
