import { readdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { parseLocation } from "../drives/location.ts";
import { TEMP_NAME } from "../drives/temp-names.ts";

/**
 * Deletes the local drive's temporary files (`.<name>.syncron-<random>.partial`) under a local
 * location, left behind when a process died mid-write (SIGKILL, power loss): the drive removes
 * its own on any failure it lives through, but nothing else ever would. Call it only where no
 * writer is running: the dev stack does, on start, for the targets of interrupted runs.
 * Symlinks are not followed. Non-local locations are left alone. Resolves the number removed.
 */
export async function removeStalePartials(location: string, cwd: string = process.cwd()): Promise<number> {
  let parsed: ReturnType<typeof parseLocation>;
  try {
    parsed = parseLocation(location, cwd);
  } catch {
    return 0;
  }
  if (parsed.kind !== "local") return 0;
  return sweep(parsed.root);
}

async function sweep(dir: string): Promise<number> {
  let entries: import("node:fs").Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  let removed = 0;
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) removed += await sweep(path);
    else if (entry.isFile() && TEMP_NAME.test(entry.name)) {
      await rm(path, { force: true });
      removed++;
    }
  }
  return removed;
}
