import * as z from "../util/zod.ts";
import type { SyncCheckpoint } from "./types.ts";

const count = z.number().int().nonnegative();

const checkpointSchema = z.object({
  version: z.literal(1),
  fingerprint: z.string(),
  done_dirs: z.array(z.string()),
  counters: z.object({
    copied: count,
    updated: count,
    skipped: count,
    bytes_transferred: count,
    files_checked: count,
    source_files: count,
    target_files: count,
    duration_ms: z.number().nonnegative(),
  }),
});

/**
 * A checkpoint read back from storage, or undefined when it is not one this engine wrote (wrong
 * version, missing fields). The engine then starts over, which is always safe: finished files compare
 * equal and are not sent again.
 */
export function readCheckpoint(value: unknown): SyncCheckpoint | undefined {
  const parsed = checkpointSchema.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}
