/**
 * `syncron status`: what a running stack holds, read over its HTTP API only (task-status and the
 * config routes), so it works against `syncron dev` and a deployed API alike.
 */
import { ApiUnreachableError, createApiClient, type Json, listAll, replyError } from "./api-client.ts";
import { formatBytes } from "./format-bytes.ts";
import { table } from "./table.ts";

/** A config as the status shows it. */
export interface StatusConfig {
  id: string;
  name: string;
  cron: string;
  timezone: string;
  enabled: boolean;
  mode: string;
  scheduled: boolean;
  next_run: string | null;
  last_run: { task_id: string; status: string; finished_at: string | null } | null;
}

export interface StatusRun {
  task_id: string;
  config_id: string;
  status: string;
  trigger: string;
  created_at: string;
  finished_at: string | null;
  files_done: number | null;
  bytes_done: number | null;
  error: string | null;
}

export interface StatusReport {
  url: string;
  backend: string;
  configs: StatusConfig[];
  runs: StatusRun[];
  queue: {
    messages_available: number;
    messages_in_flight: number;
    messages_delayed: number;
    dead_letter: number | null;
  };
}

/** Thrown when the API cannot be reached or answers an error. */
export class StatusError extends Error {
  override name = "StatusError";
}

type Fetch = typeof fetch;

const RUNS_PER_CONFIG = 5;
const RECENT_RUNS = 10;

/** Reads task-status, every config (all pages) and each config's latest runs. */
export async function fetchStatus(
  url: string,
  options: { token?: string | undefined; fetch?: Fetch } = {},
): Promise<StatusReport> {
  const client = createApiClient(url, options);
  const checked = async <T>(call: () => Promise<T>): Promise<T> => {
    try {
      return await call();
    } catch (error) {
      if (error instanceof ApiUnreachableError) throw new StatusError(error.message, { cause: error });
      throw error;
    }
  };
  const fail = (path: string, reply: { status: number; body: Json }): never => {
    throw new StatusError(
      `GET ${path} answered ${reply.status}: ${reply.body?.error?.message ?? replyError(reply)}`,
    );
  };
  const get = (path: string): Promise<Json> =>
    checked(async () => {
      const reply = await client.request("GET", path);
      return reply.status === 200 ? reply.body : fail(path, reply);
    });

  const status = await get("/api/v1/task/scheduler/task-status");
  const listed = await checked(() => listAll(client, "/api/v1/sync-configs"));
  const items: Json[] = "error" in listed ? fail("/api/v1/sync-configs", listed.error) : listed.items;
  const scheduled = new Set<string>(status.scheduled_config_ids ?? []);
  const nextRunOf = new Map<string, string | null>();
  for (const schedule of status.schedules ?? []) {
    const known = nextRunOf.get(schedule.config_id);
    if (!known || (schedule.next_run && schedule.next_run < known))
      nextRunOf.set(schedule.config_id, schedule.next_run);
  }
  const configs: StatusConfig[] = items.map((config) => ({
    id: config.id,
    name: config.name,
    cron: config.cron,
    timezone: config.timezone,
    enabled: config.enabled,
    mode: config.mode,
    scheduled: scheduled.has(config.id),
    next_run: nextRunOf.get(config.id) ?? null,
    last_run: config.last_run ?? null,
  }));
  const runPages = await Promise.all(
    configs.map((config) =>
      get(`/api/v1/sync-configs/${encodeURIComponent(config.id)}/runs?limit=${RUNS_PER_CONFIG}`),
    ),
  );
  const runs: StatusRun[] = runPages
    .flatMap((page) => page.items as Json[])
    .map((run) => ({
      task_id: run.task_id,
      config_id: run.config_id,
      status: run.status,
      trigger: run.trigger,
      created_at: run.created_at,
      finished_at: run.finished_at ?? null,
      files_done: run.progress?.files_done ?? null,
      bytes_done: run.progress?.bytes_done ?? null,
      error: run.error?.message ?? null,
    }))
    .sort((a, b) => b.created_at.localeCompare(a.created_at))
    .slice(0, RECENT_RUNS);
  return { url: client.url, backend: status.backend, configs, runs, queue: status.queue };
}

/** An ISO instant as `2026-01-01 02:00:00Z`, or `-`. */
export const shortTime = (iso: string | null): string =>
  iso ? iso.replace("T", " ").replace(/\.\d+Z$|Z$/, "Z") : "-";

const bytes = (n: number | null): string => (n === null ? "-" : formatBytes(n));

/** The report as a person reads it: configs with their schedule and next run, recent runs, queue depth. */
export function formatStatus(report: StatusReport): string {
  const configRows = report.configs.map((config) => [
    config.id,
    config.name,
    `${config.cron}${config.timezone === "UTC" ? "" : ` (${config.timezone})`}`,
    config.enabled ? (config.scheduled ? "scheduled" : "NOT SCHEDULED") : "disabled",
    shortTime(config.next_run),
    config.last_run ? `${config.last_run.status} ${shortTime(config.last_run.finished_at)}` : "-",
  ]);
  const runRows = report.runs.map((run) => [
    run.task_id,
    run.config_id,
    run.status,
    run.trigger,
    shortTime(run.created_at),
    shortTime(run.finished_at),
    run.files_done === null ? "-" : String(run.files_done),
    bytes(run.bytes_done),
    run.error ?? "",
  ]);
  const { queue } = report;
  return [
    `syncron at ${report.url} (scheduler: ${report.backend})`,
    "",
    `Configs (${report.configs.length})`,
    report.configs.length === 0
      ? "  none yet: POST /api/v1/sync-configs"
      : table(["ID", "NAME", "CRON", "SCHEDULE", "NEXT RUN", "LAST RUN"], configRows),
    "",
    `Recent runs (${report.runs.length})`,
    report.runs.length === 0
      ? "  none yet"
      : table(
          ["TASK", "CONFIG", "STATUS", "TRIGGER", "CREATED", "FINISHED", "FILES", "BYTES", "ERROR"],
          runRows,
        ),
    "",
    "Queue",
    table(
      ["AVAILABLE", "IN FLIGHT", "DELAYED", "DEAD LETTER"],
      [
        [
          String(queue.messages_available),
          String(queue.messages_in_flight),
          String(queue.messages_delayed),
          queue.dead_letter === null ? "-" : String(queue.dead_letter),
        ],
      ],
    ),
  ].join("\n");
}
