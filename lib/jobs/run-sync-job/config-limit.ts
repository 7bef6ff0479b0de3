import type { Drive } from "../../drives/drive.ts";
import { sharedRateLimiter, withRateLimit } from "../../drives/rate-limit.ts";
import type { SyncConfig } from "../../store/sync-config.ts";

/**
 * A run's two drives under the config's own `tps` (the seed's `speed`): one limiter per config in
 * this process, shared by both drives, each drive call one turn, on top of the drives' own limits.
 * Without a `tps`, the drives as they are.
 */
export function limitedByConfig(
  config: Pick<SyncConfig, "id" | "tps">,
  drives: readonly [Drive, Drive],
): readonly [Drive, Drive] {
  if (config.tps === null) return drives;
  const limiter = sharedRateLimiter(`config:${config.id}`, { tps: config.tps });
  return [withRateLimit(drives[0], limiter), withRateLimit(drives[1], limiter)];
}
