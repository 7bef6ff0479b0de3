import { CronError } from "../../cron/errors.ts";
import { assertTimezone } from "../../cron/timezone.ts";
import { DriveMapError, parseDriveMap } from "../../jobs/seed-import/drive-map.ts";
import { MAX_IMPORT_ROWS } from "../../jobs/seed-import/import-report.ts";
import { importSeedConfigs, SEED_TIMEZONE } from "../../jobs/seed-import/import-seed.ts";
import * as z from "../../util/zod.ts";
import { parseWith, readJsonBody } from "../body.ts";
import type { ApiDeps } from "../deps.ts";
import { validationFailed } from "../errors.ts";
import { json, type RouteHandler } from "../http.ts";

/** The body of POST /api/v1/sync-configs/import. */
export const SeedImportBody = z.strictObject({
  rows: z
    .array(z.unknown())
    .max(MAX_IMPORT_ROWS)
    .meta({ description: "The seed's SyncConfig rows (README: Coming from the seed system)" }),
  map: z
    .record(z.string(), z.string())
    .meta({ description: 'Seed drive account id → syncron DRIVE:/FOLDER, e.g. {"3": "openlist:/baidu"}' }),
  dry_run: z.boolean().default(false),
  replace: z
    .boolean()
    .default(false)
    .meta({ description: "Replace a config whose id a row has but whose content differs (else: conflict)" }),
  timezone: z
    .string()
    .default(SEED_TIMEZONE)
    .meta({ description: "Time zone of the crons and of times without an offset (default Asia/Shanghai)" }),
});

/** POST /api/v1/sync-configs/import: the seed's configs into syncron (a report per row, 200). */
export function importRoutes(deps: ApiDeps) {
  return {
    importConfigs: (async (event) => {
      const body = parseWith(SeedImportBody, readJsonBody(event));
      let map: ReturnType<typeof parseDriveMap>;
      try {
        map = parseDriveMap(Object.entries(body.map));
      } catch (error) {
        if (!(error instanceof DriveMapError)) throw error;
        throw validationFailed([{ path: "map", message: error.message }]);
      }
      try {
        assertTimezone(body.timezone);
      } catch (error) {
        if (!(error instanceof CronError)) throw error;
        throw validationFailed([{ path: "timezone", message: error.message.replace(/^timezone: /, "") }]);
      }
      const report = await importSeedConfigs(
        { rows: body.rows, map, dryRun: body.dry_run, replace: body.replace, timezone: body.timezone },
        deps,
      );
      return json(200, report);
    }) satisfies RouteHandler,
  };
}
