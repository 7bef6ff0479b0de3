import { type Location, LocationError, parseLocation, redactLocation } from "../../drives/location.ts";
import { realLocationsOverlap } from "../../drives/overlap.ts";
import type { DriveRepository } from "../../store/drives.ts";
import type { Run, RunError } from "../../store/run.ts";
import type { Store } from "../../store/store.ts";
import { hasEnded, type SyncConfig, SyncConfigSchema } from "../../store/sync-config.ts";
import { deletesExtras } from "../../sync/types.ts";
import { DriveUnavailableError } from "../drives/errors.ts";
import type { ResolveLocation } from "../drives/resolve-drive.ts";
import { findSharedTarget, sharedTargetError } from "../shared-target.ts";
import { syncIdentity } from "./sync-identity.ts";

const resolveIn = async (location: Location, resolve: ResolveLocation | undefined): Promise<Location> => {
  if (location.kind !== "drive") return location;
  if (!resolve) throw new DriveUnavailableError("DRIVE_NOT_FOUND", "this worker has no drives configured");
  return resolve(location);
};

/** The configs a run's guard reads: its own, and the enabled ones a mirror's target must not share. */
export type GuardConfigs = Pick<Store["configs"], "get" | "listEnabled">;

/** True for a dry run of a config that is not saved (POST /api/v1/sync-configs/preview). */
export const isPreview = (run: Pick<Run, "trigger">): boolean => run.trigger === "preview";

/**
 * Where a run's config is read: a preview carries its own, run whether or not it would be enabled
 * or has ended (nothing is written, and it is asked for now); any other run reads the store.
 */
export function configsOf(run: Run, configs: GuardConfigs): GuardConfigs {
  if (!isPreview(run)) return configs;
  const config = run.preview_config && SyncConfigSchema.safeParse(run.preview_config);
  return {
    get: async () => (config?.success ? { ...config.data, enabled: true, end_time: null } : undefined),
    // A preview deletes nothing, so it shares no target (its request was judged by the API).
    listEnabled: async () => [],
  };
}

/** One end of a sync, parsed once per run; `name` is the location redacted, for logs and drive names. */
export interface RunLocation {
  readonly location: Location;
  readonly name: string;
}

/** A config a run may go on with, and its two locations. */
export interface Runnable {
  readonly config: SyncConfig;
  readonly source: RunLocation;
  readonly target: RunLocation;
  /** What the run syncs (syncIdentity): recorded when it first starts, the same for every later invocation. */
  readonly identity: string;
}

/**
 * The config of a run and its parsed locations, or why the run cannot go on (it ends as FAILURE): the
 * config is gone, disabled or past its end_time, a location does not parse (stored before the API checked it; the message
 * shows it redacted, as LocationError does), a `name:path` location's drive is unknown or unusable
 * (DRIVE_NOT_FOUND, DRIVE_INVALID), or one location lies inside the other (judged on the drives'
 * real locations, on the real disk: through symlinks, bind mounts and case-insensitive names; or as
 * two spellings of one URL), or a mirror's target is another enabled config's target or lies inside
 * it or the reverse (TARGET_SHARED: judged as the API does, but on the real disk; the mirror would
 * delete the other's files), or — for a run that started before — what it syncs changed meanwhile
 * (CONFIG_CHANGED, see syncIdentity). A secret store or DynamoDB failure while resolving is thrown (it may be retryable).
 */
export async function guardRun(
  configs: GuardConfigs,
  configId: string,
  now: Date,
  resolveLocation?: ResolveLocation,
  /** The identity the run recorded when it first started (null or absent: this is its first start). */
  startedAs?: string | null,
  /** The drive records, to place the other configs' `name:path` targets (absent: compared as written). */
  drives?: Pick<DriveRepository, "get">,
): Promise<Runnable | { readonly refusal: RunError }> {
  const config = await configs.get(configId);
  if (!config) {
    return { refusal: { code: "CONFIG_NOT_FOUND", message: `sync config ${configId} does not exist` } };
  }
  if (!config.enabled) {
    return { refusal: { code: "CONFIG_DISABLED", message: `sync config ${configId} is disabled` } };
  }
  if (hasEnded(config, now)) {
    // The rules backend has no EndDate: its fires after the end land here until refresh-tasks removes them.
    return {
      refusal: { code: "CONFIG_ENDED", message: `sync config ${configId} ended at ${config.end_time}` },
    };
  }
  let field: "source" | "target" = "source";
  let source: Location;
  let target: Location;
  try {
    source = parseLocation(config.source);
    field = "target";
    target = parseLocation(config.target);
  } catch (error) {
    if (!(error instanceof LocationError)) throw error;
    return { refusal: { code: "INVALID_LOCATION", message: `${field}: ${error.message}` } };
  }
  // `name:path` locations become their drive's location, with the secrets as they are now.
  try {
    field = "source";
    source = await resolveIn(source, resolveLocation);
    field = "target";
    target = await resolveIn(target, resolveLocation);
  } catch (error) {
    if (!(error instanceof DriveUnavailableError)) throw error;
    return { refusal: { code: error.code, message: `${field}: ${error.message}` } };
  }
  // On the real disk, before either drive is opened (a local drive writes a probe file as it opens).
  if (await realLocationsOverlap(source, target)) {
    return {
      refusal: {
        code: "LOCATIONS_OVERLAP",
        message: "the target is the source or lies inside it (or the reverse)",
      },
    };
  }
  if (deletesExtras(config.mode)) {
    const other = await findSharedTarget(config, await configs.listEnabled(), drives, realLocationsOverlap);
    if (other)
      return { refusal: { code: "TARGET_SHARED", message: sharedTargetError(config, other).message } };
  }
  const identity = syncIdentity(config, source, target);
  if (startedAs && startedAs !== identity) {
    return {
      refusal: {
        code: "CONFIG_CHANGED",
        message: `sync config ${configId} (its source, target, mode, filters or max_delete, or a drive it names) was edited while this run was under way: it stops here and deletes nothing; the next run syncs the config as it is now`,
      },
    };
  }
  return {
    config,
    identity,
    source: { location: source, name: redactLocation(config.source) },
    target: { location: target, name: redactLocation(config.target) },
  };
}
