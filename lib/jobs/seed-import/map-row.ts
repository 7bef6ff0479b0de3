import { instantsAt, offsetAt } from "../../cron/timezone.ts";
import type { LastRun, SyncConfigInput } from "../../store/sync-config.ts";
import type { MatchRule } from "../../sync/rules.ts";
import type { SyncMode } from "../../sync/types.ts";
import { type DriveMap, locationIn } from "./drive-map.ts";
import { type SeedRow, SeedRowSchema } from "./seed-export.ts";
import { convertSeedRule } from "./seed-rules.ts";

/** Why (part of) a row cannot be carried: the seed field, and what is wrong with it. */
export interface RowProblem {
  readonly field: string;
  readonly message: string;
}

/** A seed row as a syncron config, or the reasons it cannot be one. `notes` say what changes meaning. */
export type MappedRow =
  | {
      readonly seedId: number;
      readonly id: string;
      readonly fields: SyncConfigInput;
      readonly lastRun?: LastRun;
      readonly notes: string[];
    }
  | { readonly seedId: number | undefined; readonly problems: RowProblem[]; readonly notes: string[] };

/** The task id an imported `last_sync` is recorded under: no run of syncron has it. */
export const SEED_LAST_SYNC_TASK = "seed-last-sync";

const MODES: Record<SeedRow["method"], SyncMode> = {
  incremental: "copy",
  copy: "copy",
  "1": "copy",
  full: "mirror",
  overwrite: "overwrite",
};
/**
 * speed 0 normal / 1 slow / 2 fast → the config's own drive calls per second. The seed never paced
 * calls: it slept 1 s (normal) / 3 s (slow) / 0 (fast) before each batch transfer, one batch for all
 * of a folder's new files, and after each batch delete (its first version: only slow slept, 3 s
 * before listing each sub-folder). syncron makes a call per file, so `normal` as tps 1 made a folder
 * of 500 files take 500 s where the seed took about 1 s: normal is the seed's default pace, which in
 * syncron is the drive's own `tps` (shared by every config of the account, as the seed's per-config
 * sleeps were not), so it carries no limit of its own. `slow` was asked for on purpose and keeps a
 * cautious 0.3.
 */
const TPS: Record<SeedRow["speed"], number | null> = { 0: null, 1: 0.3, 2: null };
const NAME_MAX = 200;

/**
 * A seed time as an ISO instant. One without an offset is a wall-clock time in `timezone` (the
 * seed stored naive times in its DATETIME_TIMEZONE, Asia/Shanghai); a time a clock change skips
 * is read with the zone's offset at that moment, a repeated one as its first occurrence. Undefined for no time.
 */
export function seedInstant(text: string | null | undefined, timezone: string): string | undefined {
  if (!text) return undefined;
  const iso = text.replace(" ", "T");
  if (/(Z|[+-]\d{2}:?\d{2})$/.test(iso)) return new Date(iso).toISOString();
  const wall = Date.parse(`${iso}Z`);
  return new Date(instantsAt(wall, timezone)[0] ?? wall - offsetAt(wall, timezone)).toISOString();
}

/**
 * Maps one exported row (pure). `remark`→`name` (`seed config N` when empty), `enable`→`enabled`,
 * `method`→`mode` (incremental copy, full mirror, overwrite overwrite), `cron` in `timezone`,
 * `src_path`/`dst_path` inside the mapped drive's folder, `exclude` rules, `end_time`, `speed`→`tps`,
 * `last_sync`→`last_run`, `compare: "size"` (the seed compared paths and sizes). A row is not
 * carried, with every reason, when it does not parse, its drive account is unmapped, it has no cron,
 * it has rename rules (syncron has none) or an exclude rule has no equivalent.
 */
export function mapSeedRow(input: unknown, map: DriveMap, timezone: string): MappedRow {
  const parsed = SeedRowSchema.safeParse(input);
  if (!parsed.success) {
    const rawId = (input as { id?: unknown } | null)?.id;
    return {
      seedId: typeof rawId === "number" && Number.isSafeInteger(rawId) ? rawId : undefined,
      problems: parsed.error.issues.map((issue) => ({
        field: issue.path.join(".") || "row",
        message: issue.message,
      })),
      notes: [],
    };
  }
  const row = parsed.data;
  const problems: RowProblem[] = [];
  const notes: string[] = [];
  const mapped = map.get(row.user_id);
  if (!mapped) {
    problems.push({
      field: "user_id",
      message: `drive account ${row.user_id} is not mapped: add --map ${row.user_id}=DRIVE:/FOLDER`,
    });
  }
  const cron = row.cron?.trim() ?? "";
  if (cron === "") {
    problems.push({
      field: "cron",
      message: "is empty: every syncron config has a schedule; give the row a cron to import it",
    });
  } else {
    const fields = cron.split(/\s+/);
    if (fields.length === 5 && fields[2] !== "*" && fields[4] !== "*") {
      notes.push(
        "cron restricts both day of month and day of week: syncron fires on either (like croniter, the seed's later versions); the seed's Celery crontab needed both",
      );
    }
  }
  const renames = row.rename;
  if (renames !== null && !(Array.isArray(renames) && renames.length === 0)) {
    problems.push({
      field: "rename",
      message:
        "syncron has no rename rules: the seed used them to recognise target files renamed from a source file, which syncron would copy again under the source name; remove the rules to import the row",
    });
  }
  const exclude: MatchRule[] = [];
  if (row.exclude !== null && !Array.isArray(row.exclude)) {
    problems.push({ field: "exclude", message: "must be a list of rules" });
  }
  for (const [index, rule] of (Array.isArray(row.exclude) ? row.exclude : []).entries()) {
    const converted = convertSeedRule(rule);
    if ("problem" in converted) problems.push({ field: `exclude.${index}`, message: converted.problem });
    else {
      exclude.push(converted.rule);
      if (converted.note) notes.push(`exclude.${index}: ${converted.note}`);
    }
  }
  if (row.src_meta !== null && typeof row.src_meta === "object" && Object.keys(row.src_meta).length > 0) {
    notes.push(
      "src_meta (the seed's share source) is not carried: the source is the folder src_path names in the mapped drive",
    );
  }
  if (problems.length > 0 || !mapped) return { seedId: row.id, problems, notes };

  let name = row.remark?.trim() || `seed config ${row.id}`;
  if (name.length > NAME_MAX) {
    name = name.slice(0, NAME_MAX);
    notes.push(`remark shortened to ${NAME_MAX} characters`);
  }
  const endTime = seedInstant(row.end_time, timezone);
  const lastSync = seedInstant(row.last_sync, timezone);
  return {
    seedId: row.id,
    id: String(row.id),
    fields: {
      name,
      source: locationIn(mapped, row.src_path),
      target: locationIn(mapped, row.dst_path),
      cron,
      timezone,
      enabled: row.enable,
      mode: MODES[row.method],
      compare: "size",
      include: [],
      exclude,
      max_delete: null,
      end_time: endTime ?? null,
      tps: TPS[row.speed],
    },
    ...(lastSync
      ? { lastRun: { task_id: SEED_LAST_SYNC_TASK, status: "SUCCESS", finished_at: lastSync } }
      : {}),
    notes,
  };
}
