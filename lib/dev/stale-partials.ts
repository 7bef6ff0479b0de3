import { createLocalDrive } from "../drives/local/local-drive.ts";
import { parseLocation } from "../drives/location.ts";

/**
 * Deletes the local drive's temporary files (`.<name>.syncron-<random>.partial`) under a local
 * location, left behind when a process died mid-write (SIGKILL, power loss), whatever their age: the
 * engine removes those an hour old from the folders a run walks, but the restarted dev stack knows
 * the writer is dead now. One implementation with the engine's: the local drive's own listing (which
 * skips symlinks, so none is followed) and its `removeStaleTemps`, with no age required. Call it only
 * where no writer is running: the dev stack does, on start, for the targets of interrupted runs.
 * Non-local and missing locations are left alone. Resolves the number removed.
 */
export async function removeStalePartials(location: string, cwd: string = process.cwd()): Promise<number> {
  let parsed: ReturnType<typeof parseLocation>;
  try {
    parsed = parseLocation(location, cwd);
  } catch {
    return 0;
  }
  if (parsed.kind !== "local") return 0;
  // readOnly: no probe file; an age of -Infinity: every temporary file counts as stale.
  const drive = createLocalDrive({
    root: parsed.root,
    readOnly: true,
    staleTempMs: Number.NEGATIVE_INFINITY,
    onWarning: () => undefined,
  });
  let removed = 0;
  const folders = [""];
  for (let dir = folders.pop(); dir !== undefined; dir = folders.pop()) {
    try {
      for await (const entry of drive.list(dir)) if (entry.kind === "directory") folders.push(entry.path);
    } catch {
      continue; // a folder that cannot be listed keeps what it holds
    }
    removed += (await drive.removeStaleTemps?.(dir).catch(() => 0)) ?? 0;
  }
  return removed;
}
