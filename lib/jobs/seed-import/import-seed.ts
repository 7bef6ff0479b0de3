import { isDeepStrictEqual } from "node:util";
import { ScheduleValidationError } from "../../schedule/errors.ts";
import { ConflictError } from "../../store/errors.ts";
import {
  configInputSchema,
  newSyncConfig,
  type SyncConfig,
  type SyncConfigFields,
  syncConfigFields,
} from "../../store/sync-config.ts";
import { ConfigValidationError, checkConfigFields } from "../check-config.ts";
import { createConfig } from "../create-config.ts";
import type { JobDeps } from "../deps.ts";
import { checkConfigDrives } from "../drives/check-config-drives.ts";
import { TargetSharedError } from "../errors.ts";
import { scheduleSpecOf } from "../schedule-sync.ts";
import { assertTargetNotShared } from "../shared-target.ts";
import { updateConfig } from "../update-config.ts";
import type { DriveMap } from "./drive-map.ts";
import { type RowReport, type SeedImportReport, summaryOf } from "./import-report.ts";
import { type MappedRow, mapSeedRow, type RowProblem } from "./map-row.ts";
import { duplicateIdProblem } from "./seed-export.ts";

/** The time zone the seed read its crons (and naive times) in: Celery's DATETIME_TIMEZONE. */
export const SEED_TIMEZONE = "Asia/Shanghai";

export interface SeedImportRequest {
  /** The export's rows, unchecked: each is judged on its own. */
  readonly rows: readonly unknown[];
  readonly map: DriveMap;
  /** Report what each row would become; write nothing. */
  readonly dryRun: boolean;
  /** A config with the row's id but other content is replaced (it is a conflict otherwise). */
  readonly replace: boolean;
  /** The crons' time zone (default Asia/Shanghai). */
  readonly timezone?: string;
}

const USER_FIELDS = Object.keys(syncConfigFields) as (keyof SyncConfigFields)[];
/** syncron field → the seed field it comes from, for problems found on the syncron side. */
const SEED_FIELD: Record<string, string> = {
  name: "remark",
  source: "src_path",
  target: "dst_path",
  enabled: "enable",
  mode: "method",
  tps: "speed",
};
const seedField = (path: string): string => {
  const [head = "", ...rest] = path.split(".");
  return [SEED_FIELD[head] ?? head, ...rest].join(".");
};

/** The problems syncron's own checks find in a mapped config: fields, drives, schedule, a target shared with a mirror. */
async function checkMapped(
  config: SyncConfig,
  deps: JobDeps,
  earlier: readonly SyncConfig[],
): Promise<RowProblem[]> {
  try {
    checkConfigFields(config, { localRoots: deps.localRoots });
    await checkConfigDrives(config, deps.drives);
    deps.scheduler.check(scheduleSpecOf(config));
    await assertTargetNotShared(config, deps, earlier);
    return [];
  } catch (error) {
    if (error instanceof TargetSharedError) return [{ field: seedField("target"), message: error.message }];
    if (error instanceof ConfigValidationError) {
      return error.issues.map((issue) => ({ field: seedField(issue.path), message: issue.message }));
    }
    if (error instanceof ScheduleValidationError) return [{ field: "cron", message: error.message }];
    throw error;
  }
}

const differingFields = (stored: SyncConfig, fields: SyncConfigFields): string[] =>
  USER_FIELDS.filter((field) => !isDeepStrictEqual(stored[field], fields[field]));

/**
 * Imports the seed's SyncConfig rows. Every row is mapped and checked first (syncron's own rules,
 * the drives, the schedule), then each good row is written on its own: a new id is created with a
 * conditional write (never taken twice), an id already holding the same content is `unchanged`,
 * one holding other content a `conflict` (replaced only with `replace`). A row that cannot be
 * carried is reported with why and nothing of it is written. A dry run writes nothing.
 */
export async function importSeedConfigs(
  request: SeedImportRequest,
  deps: JobDeps,
): Promise<SeedImportReport> {
  const timezone = request.timezone ?? SEED_TIMEZONE;
  const schema = configInputSchema(timezone);
  const firstIndex = new Map<number, number>();
  const checked: { index: number; mapped: MappedRow; fields?: SyncConfigFields; problems: RowProblem[] }[] =
    [];
  // The rows found good so far: a later row may not share a target with a mirror among them either.
  const carried: SyncConfig[] = [];
  for (const [index, row] of request.rows.entries()) {
    const mapped = mapSeedRow(row, request.map, timezone);
    const problems = "problems" in mapped ? [...mapped.problems] : [];
    if (mapped.seedId !== undefined) {
      const first = firstIndex.get(mapped.seedId);
      if (first === undefined) firstIndex.set(mapped.seedId, index);
      else problems.push(duplicateIdProblem(mapped.seedId, first));
    }
    if (problems.length > 0 || !("fields" in mapped)) {
      checked.push({ index, mapped, problems });
      continue;
    }
    const parsed = schema.safeParse(mapped.fields);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((issue) => ({
        field: seedField(issue.path.join(".")),
        message: issue.message,
      }));
      checked.push({ index, mapped, problems: issues });
      continue;
    }
    const config = newSyncConfig(parsed.data, { id: mapped.id, now: deps.clock() });
    const found = await checkMapped(config, deps, carried);
    if (found.length === 0) carried.push(config);
    checked.push({ index, mapped, fields: parsed.data, problems: found });
  }

  const rows: RowReport[] = [];
  for (const { index, mapped, fields, problems } of checked) {
    const seed_id = mapped.seedId ?? null;
    const base = { index, seed_id, id: seed_id === null ? null : String(seed_id), notes: mapped.notes };
    if (!fields || !("fields" in mapped) || problems.length > 0) {
      rows.push({ ...base, outcome: "not_carried", problems });
      continue;
    }
    const carried = {
      ...base,
      config: fields,
      ...(mapped.lastRun?.finished_at ? { last_sync: mapped.lastRun.finished_at } : {}),
    };
    rows.push(await writeRow(mapped.id, fields, mapped.lastRun, carried, request, deps));
  }
  const summary = summaryOf(rows);
  deps.log?.("info", "seed configs imported", { dry_run: request.dryRun, ...summary });
  return { dry_run: request.dryRun, summary, rows };
}

async function writeRow(
  id: string,
  fields: SyncConfigFields,
  lastRun: Extract<MappedRow, { fields: unknown }>["lastRun"],
  carried: Omit<RowReport, "outcome">,
  request: SeedImportRequest,
  deps: JobDeps,
): Promise<RowReport> {
  try {
    const stored = await deps.configs.get(id);
    if (stored) {
      const differs = differingFields(stored, fields);
      if (differs.length === 0) return { ...carried, outcome: "unchanged" };
      if (!request.replace) return { ...carried, outcome: "conflict", differs };
      if (request.dryRun) return { ...carried, outcome: "would_replace", differs };
      const { schedule_error } = await updateConfig(id, fields, deps, { expectedVersion: stored.version });
      return { ...carried, outcome: "replaced", differs, ...(schedule_error ? { schedule_error } : {}) };
    }
    if (request.dryRun) return { ...carried, outcome: "would_create" };
    const { schedule_error } = await createConfig(fields, deps, { id, ...(lastRun ? { lastRun } : {}) });
    return { ...carried, outcome: "created", ...(schedule_error ? { schedule_error } : {}) };
  } catch (error) {
    // Taken (or changed) since it was read: another import or client won; this row writes nothing.
    if (error instanceof ConflictError) return { ...carried, outcome: "conflict", error: error.message };
    return { ...carried, outcome: "failed", error: (error as Error).message };
  }
}
