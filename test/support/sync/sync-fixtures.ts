/** Shared helpers for the sync tests: seed a drive, snapshot a whole tree, default options. */
import { createHash } from "node:crypto";
import type { Drive } from "../../../lib/drives/drive.ts";
import { DEFAULT_SYNC_OPTIONS, type SyncOptions } from "../../../lib/sync/index.ts";
import { readBytes, streamOf } from "../drives/streams.ts";

/** A fixed past mod time, so files written by a test differ from "now". */
export const T0 = Date.UTC(2024, 0, 2, 3, 4, 5, 0);

export type Seed = Record<string, string | { data: string; modTime: number }>;

/** Writes files (content + mod time; default mod time T0). */
export async function seed(drive: Drive, files: Seed): Promise<void> {
  for (const [path, spec] of Object.entries(files)) {
    const { data, modTime } = typeof spec === "string" ? { data: spec, modTime: T0 } : spec;
    const bytes = new TextEncoder().encode(data);
    await drive.write(path, streamOf(bytes), { path, size: bytes.length, modTime });
  }
}

/** Every file of a drive, recursively: path → `size:sha256`. Read through the drive, so content counts. */
export async function snapshot(
  drive: Drive,
  dir = "",
  into = new Map<string, string>(),
): Promise<Map<string, string>> {
  for await (const entry of drive.list(dir)) {
    if (entry.kind === "directory") await snapshot(drive, entry.path, into);
    else {
      const bytes = await readBytes(await drive.read(entry.path));
      into.set(entry.path, `${bytes.length}:${createHash("sha256").update(bytes).digest("hex")}`);
    }
  }
  return into;
}

/** Sorted [path, size:hash] pairs, for readable equality assertions. */
export const tree = async (drive: Drive): Promise<[string, string][]> =>
  [...(await snapshot(drive))].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

/** Sync options for tests: defaults, fast retries. */
export const options = (overrides: Partial<SyncOptions> = {}): SyncOptions => ({
  ...DEFAULT_SYNC_OPTIONS,
  retry: { attempts: 3, baseDelayMs: 1 },
  ...overrides,
});
