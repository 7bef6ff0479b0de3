/**
 * The shape of a seed export: the seed's `SyncConfig` rows (table `filesync_config`), as JSON. A
 * row holds the model's columns; `exclude`, `rename`, `src_meta` may be the JSON text the seed
 * stores or the parsed value. Other columns (`type`, `dst_meta`, `created_time`, `created_by`, …)
 * are allowed and ignored.
 */
import * as z from "../../util/zod.ts";

/** A seed id: a positive whole number (the seed's BigInteger keys), or one written as a string. */
const seedId = z.union([
  z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
  z
    .string()
    .regex(/^[1-9]\d{0,15}$/, "must be a positive whole number")
    .transform(Number),
]);

/** A row's seed id, when it has one that parses (the key two rows of one export must not share). */
export const seedIdOf = (row: unknown): number | undefined => {
  const parsed = seedId.safeParse((row as { id?: unknown } | null)?.id);
  return parsed.success ? parsed.data : undefined;
};

/** The problem of a row whose id an earlier row of the export has. */
export const duplicateIdProblem = (id: number, firstIndex: number) => ({
  field: "id",
  message: `id ${id} is also row ${firstIndex} of the export`,
});

/** A DateTime column: ISO 8601 or `YYYY-MM-DD HH:MM:SS`, with or without an offset. */
const seedTime = z
  .string()
  .regex(
    /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/,
    "must be a date-time like 2026-12-31 23:59:59 or 2026-12-31T15:59:59Z",
  )
  .nullish();

/** A JSON column: the text the seed stores, or its value already parsed. */
const jsonColumn = z
  .unknown()
  .optional()
  .transform((value, ctx) => {
    if (typeof value !== "string") return value ?? null;
    if (value.trim() === "") return null;
    try {
      return JSON.parse(value) as unknown;
    } catch {
      ctx.addIssue({ code: "custom", message: "is text that is not JSON" });
      return z.NEVER;
    }
  });

/** One seed exclusion rule (`ExclusionRuleDefinition`), the seed's defaults filled in. */
export const SeedExcludeRuleSchema = z.looseObject({
  pattern: z.string().min(1, "pattern must not be empty"),
  target: z.enum(["name", "path", "extension"]).default("name"),
  item_type: z.enum(["file", "folder", "any"]).default("any"),
  mode: z.enum(["regex", "exact", "wildcard", "contains"]).default("contains"),
  case_sensitive: z.boolean().default(false),
});
export type SeedExcludeRule = z.output<typeof SeedExcludeRuleSchema>;

/** One `SyncConfig` row. */
export const SeedRowSchema = z.looseObject({
  id: seedId,
  remark: z.string().nullish(),
  src_path: z.string().min(1, "src_path must not be empty"),
  dst_path: z.string().min(1, "dst_path must not be empty"),
  /** The DriveAccount (`yp_user.id`) the row syncs with: what `--map` maps. */
  user_id: seedId,
  enable: z.boolean().default(true),
  cron: z.string().nullish(),
  method: z
    .enum(["incremental", "full", "overwrite", "copy", "1"], {
      error: "method must be incremental, full or overwrite",
    })
    .default("copy"),
  /** 0 normal, 1 slow, 2 fast (the seed's `_parse_recursion_speed`). */
  speed: z
    .union([z.literal(0), z.literal(1), z.literal(2)], {
      error: "speed must be 0 (normal), 1 (slow) or 2 (fast)",
    })
    .default(0),
  end_time: seedTime,
  last_sync: seedTime,
  exclude: jsonColumn,
  rename: jsonColumn,
  src_meta: jsonColumn,
});
export type SeedRow = z.output<typeof SeedRowSchema>;

/**
 * The rows of an export file: a JSON array of rows, `{"sync_configs": [...]}`, or the seed's own
 * page reply `{"code":200,"data":{"items":[...]}}` (GET /api/v1/couldsync/config). Rows are not
 * checked here (each is judged on its own); undefined when the value has none of these shapes.
 */
export function rowsOfExport(value: unknown): unknown[] | undefined {
  if (Array.isArray(value)) return value;
  if (typeof value !== "object" || value === null) return undefined;
  const object = value as { sync_configs?: unknown; data?: { items?: unknown } };
  if (Array.isArray(object.sync_configs)) return object.sync_configs;
  if (Array.isArray(object.data?.items)) return object.data.items;
  return undefined;
}
