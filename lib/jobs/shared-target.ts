import { type Location, parseLocation, redactLocation } from "../drives/location.ts";
import { locationsOverlap } from "../drives/overlap.ts";
import { driveTypeOf } from "../drives/types/registry.ts";
import type { DriveRecord } from "../store/drive-record.ts";
import type { DriveRepository } from "../store/drives.ts";
import type { SyncConfig } from "../store/sync-config.ts";
import { deletesExtras } from "../sync/types.ts";
import { TargetSharedError } from "./errors.ts";
import type { ConfigsPort } from "./ports.ts";

/** The config a write (or a run) is about: a new one has no id yet. */
export type SharingCandidate = Pick<SyncConfig, "mode" | "target"> & { readonly id?: string };

/** Judges whether two targets overlap: `locationsOverlap` (spellings) on the API, the real disk on the worker. */
export type Overlap = (a: Location, b: Location) => boolean | Promise<boolean>;

/**
 * Where a config's location points, for comparing only: a `name:path` one through its drive's
 * settings (each drive record read once; no secret is read, no drive opened), any other as written;
 * undefined for one that does not parse. A drive that is gone or makes no location stays `name:path`.
 */
function placesOf(records: Pick<DriveRepository, "get"> | undefined) {
  const read = new Map<string, Promise<DriveRecord | undefined>>();
  return async (text: string): Promise<Location | undefined> => {
    let location: Location;
    try {
      location = parseLocation(text);
    } catch {
      return undefined;
    }
    if (location.kind !== "drive" || !records) return location;
    const pending = read.get(location.drive) ?? records.get(location.drive);
    read.set(location.drive, pending);
    const record = await pending;
    const type = record && driveTypeOf(record.type);
    if (!record || !type) return location;
    try {
      return type.locate(record.settings, location.path);
    } catch {
      return location;
    }
  };
}

/**
 * The first of `others` (the enabled configs) whose target is `candidate`'s target or lies inside
 * it (or the reverse), when either of the two is a mirror: a mirror deletes what the other writes
 * there, at every run. Two copy-only configs may share a target; a target inside another config's
 * source is not judged here (it only writes there). `candidate` itself (its id) is skipped.
 * O(configs): the configs are given, and each drive record is read once.
 */
export async function findSharedTarget(
  candidate: SharingCandidate,
  others: readonly SyncConfig[],
  records: Pick<DriveRepository, "get"> | undefined,
  overlap: Overlap = locationsOverlap,
): Promise<SyncConfig | undefined> {
  const place = placesOf(records);
  const target = await place(candidate.target);
  if (!target) return undefined; // checkConfigFields (or the run's own guard) reports it
  for (const other of others) {
    if (other.id === candidate.id) continue;
    if (!deletesExtras(candidate.mode) && !deletesExtras(other.mode)) continue;
    const theirs = await place(other.target);
    if (theirs && (await overlap(target, theirs))) return other;
  }
  return undefined;
}

/** Why `candidate` may not share `other`'s target, naming the other config and both targets (redacted). */
export function sharedTargetError(candidate: SharingCandidate, other: SyncConfig): TargetSharedError {
  const target = redactLocation(candidate.target);
  const theirs = redactLocation(other.target);
  const mirror = deletesExtras(candidate.mode) ? "this config" : `sync config ${other.id}`;
  return new TargetSharedError(
    { id: other.id, name: other.name, target: theirs },
    target,
    `target ${target} overlaps the target ${theirs} of sync config ${other.id} (${JSON.stringify(other.name)}), and ${mirror} is a mirror: it would delete the other's files at every run. Give them separate folders, or make both copy-only`,
  );
}

/**
 * Refuses a config that is about to be written or previewed when its target is shared with another
 * enabled config (see {@link findSharedTarget}), stored or among `also` (the rows of one import
 * checked before it); a config that is not enabled is not judged (its enabling is). Throws TargetSharedError.
 */
export async function assertTargetNotShared(
  candidate: SharingCandidate & Pick<SyncConfig, "enabled">,
  deps: {
    readonly configs: Pick<ConfigsPort, "listEnabled">;
    readonly drives?: { readonly records: Pick<DriveRepository, "get"> } | undefined;
  },
  also: readonly SyncConfig[] = [],
): Promise<void> {
  if (!candidate.enabled) return;
  const others = [...(await deps.configs.listEnabled()), ...also.filter((config) => config.enabled)];
  const other = await findSharedTarget(candidate, others, deps.drives?.records);
  if (other) throw sharedTargetError(candidate, other);
}
