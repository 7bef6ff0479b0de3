import { createHash } from "node:crypto";
import type { Location } from "../../drives/location.ts";
import type { SyncConfig } from "../../store/sync-config.ts";

/** Where a location points, without its secrets: two locations alike here read and write the same files. */
const placeOf = (location: Location): unknown => {
  switch (location.kind) {
    case "local":
      return ["local", location.root, location.within ?? null];
    case "s3":
      return ["s3", location.endpoint ?? null, location.region ?? null, location.bucket, location.prefix];
    case "webdav":
      return ["webdav", location.url];
    case "openlist":
      return ["openlist", location.url, location.root];
    case "drive":
      return ["drive", location.drive, location.path];
  }
};

/**
 * What a run syncs, as a digest: the places of its source and target (named drives resolved) and the
 * config fields that decide what is copied and deleted. A run records it when it first starts; a
 * later invocation (a continuation, a partition, the fanned-out run's delete step) whose config or
 * drive has been edited since finds another digest and stops: its checkpoint, or the extras its
 * partitions found, belong to the old source and target (deleting them on a new target would
 * delete files its new source has). Edits that change none of these (name, cron, tps) change nothing.
 * No secret goes in; the digest is compared only.
 */
export function syncIdentity(
  config: Pick<SyncConfig, "mode" | "compare" | "include" | "exclude" | "max_delete">,
  source: Location,
  target: Location,
): string {
  const text = JSON.stringify([
    placeOf(source),
    placeOf(target),
    config.mode,
    config.compare,
    config.include,
    config.exclude,
    config.max_delete,
  ]);
  return createHash("sha256").update(text).digest("base64url");
}
