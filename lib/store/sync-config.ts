import { RULE_ITEMS, RULE_KINDS, RULE_TARGETS } from "../sync/rules.ts";
import { COMPARE_MODES, SYNC_MODES } from "../sync/types.ts";
import * as z from "../util/zod.ts";
import { ID_PATTERN } from "./ids.ts";
import { RUN_STATUSES } from "./run.ts";

const isoTime = z.iso.datetime({ offset: true });
const location = z.string().trim().min(1).max(2048);
const glob = z.string().min(1).max(1024);
/** A structured filter rule (lib/sync/rules.ts); stored with its defaults filled in. */
const matchRule = z.strictObject({
  kind: z.enum(RULE_KINDS, { error: `kind must be one of ${RULE_KINDS.join(", ")}` }),
  pattern: z.string().min(1).max(1024),
  on: z.enum(RULE_TARGETS, { error: `on must be one of ${RULE_TARGETS.join(", ")}` }).default("name"),
  items: z.enum(RULE_ITEMS, { error: `items must be one of ${RULE_ITEMS.join(", ")}` }).default("both"),
  ignore_case: z.boolean().default(false),
});
/** A glob string, or a structured rule object. */
const filterRule = z.union([glob, matchRule]);
const maxDelete = z
  .union([
    z.number().int().min(0),
    z
      .string()
      .regex(
        /^\d+(\.\d+)?%$/,
        'max_delete must be a count, a percentage like "10%" ("100%" allows any number), or null: a mirror then deletes at most half of the target\'s files',
      )
      // NaN (not a percentage at all) is the regex's to report, once.
      .refine((value) => !(Number.parseFloat(value) > 100), "max_delete percentage must be at most 100%"),
  ])
  .nullable()
  .meta({
    description:
      'The most a mirror may delete: a count of files or a percentage of the target\'s files ("10%"). null (the default): at most half of the target\'s files, at least 2, so a source that vanished cannot empty the target; "100%" allows any number.',
  });

/**
 * The user-editable fields of a sync config, without defaults. Cron syntax and the time zone are
 * checked by lib/cron where configs enter (the API), not here: the store only needs strings.
 * `source`/`target` are kept as given, secrets included; redact them on the way out.
 */
export const syncConfigFields = {
  name: z.string().trim().min(1).max(200),
  source: location,
  target: location,
  cron: z.string().trim().min(1).max(200),
  timezone: z.string().min(1).max(64),
  enabled: z.boolean(),
  mode: z.enum(SYNC_MODES),
  compare: z.enum(COMPARE_MODES),
  include: z.array(filterRule).max(100),
  exclude: z.array(filterRule).max(100),
  max_delete: maxDelete,
  /** After this instant the config no longer fires and refuses manual runs; null = never ends. */
  end_time: isoTime.nullable(),
  /**
   * The most drive calls per second this config's runs make, on both drives together (the seed's
   * `speed`), on top of each drive's own `tps`; null = no limit of the config's own.
   */
  tps: z
    .number({ error: "tps must be a number of drive calls per second, or null for no limit" })
    .positive("tps must be a positive number of drive calls per second")
    .max(1000, "tps must be at most 1000 drive calls per second")
    .nullable()
    .meta({
      description:
        "The most drive calls per second this config's runs make, on both drives together, besides each drive's own tps; null (the default): no limit of the config's own",
    }),
};

/** The time zone of a config that names none, unless the deployment sets `SYNCRON_DEFAULT_TIMEZONE`. */
export const DEFAULT_TIMEZONE = "UTC";

/**
 * A new config as a client sends it: unknown fields are refused, so a typo never passes silently.
 * A config that names no time zone gets `defaultTimezone` (the deployment's, lib/env.ts).
 */
export const configInputSchema = (defaultTimezone: string = DEFAULT_TIMEZONE) =>
  z.strictObject({
    ...syncConfigFields,
    timezone: syncConfigFields.timezone.default(defaultTimezone),
    enabled: syncConfigFields.enabled.default(true),
    mode: syncConfigFields.mode.default("copy"),
    compare: syncConfigFields.compare.default("size-mtime"),
    include: syncConfigFields.include.default([]),
    exclude: syncConfigFields.exclude.default([]),
    max_delete: maxDelete.default(null),
    end_time: syncConfigFields.end_time.default(null),
    tps: syncConfigFields.tps.default(null),
  });

/** {@link configInputSchema} with the built-in default time zone (UTC). */
export const SyncConfigInputSchema = configInputSchema();
/** What a client may send (defaults optional). */
export type SyncConfigInput = z.input<typeof SyncConfigInputSchema>;
/** A parsed new config: every user field present. Also the body of a full replacement (PUT). */
export type SyncConfigFields = z.output<typeof SyncConfigInputSchema>;

/** A partial update (PATCH): any user field, nothing else; no defaults are applied. */
export const SyncConfigPatchSchema = z.strictObject(syncConfigFields).partial();
export type SyncConfigPatch = z.output<typeof SyncConfigPatchSchema>;

/** The outcome of the latest run, kept on the config for listings. */
export const LastRunSchema = z.object({
  task_id: z.string().min(1),
  status: z.enum(RUN_STATUSES),
  finished_at: isoTime.nullable(),
});
export type LastRun = z.output<typeof LastRunSchema>;

/**
 * A stored sync config. `version` starts at 1 and grows by one with every update of the user
 * fields (optimistic concurrency); `last_run` changes do not bump it. `next_runs` is computed by
 * the API and never stored.
 */
export const SyncConfigSchema = z.object({
  id: z.string().regex(ID_PATTERN, "id must be 1-128 characters of A-Z a-z 0-9 _ . -"),
  ...syncConfigFields,
  // Stored before configs could end.
  end_time: syncConfigFields.end_time.default(null),
  // Stored before configs had a rate limit of their own.
  tps: syncConfigFields.tps.default(null),
  created_at: isoTime,
  updated_at: isoTime,
  last_run: LastRunSchema.nullable(),
  version: z.number().int().min(1),
});
export type SyncConfig = z.output<typeof SyncConfigSchema>;

/** True once `now` has reached the config's `end_time`. */
export const hasEnded = (config: Pick<SyncConfig, "end_time">, now: Date): boolean =>
  config.end_time !== null && Date.parse(config.end_time) <= now.getTime();

/** Builds the stored form of a new config (version 1, no run yet). Pure: id and clock passed in. */
export function newSyncConfig(fields: SyncConfigFields, options: { id: string; now: Date }): SyncConfig {
  const at = options.now.toISOString();
  return SyncConfigSchema.parse({
    ...fields,
    id: options.id,
    created_at: at,
    updated_at: at,
    last_run: null,
    version: 1,
  });
}
