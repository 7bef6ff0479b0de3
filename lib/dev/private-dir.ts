import { type FSWatcher, watch } from "node:fs";
import { chmod, lstat, mkdir, readdir } from "node:fs/promises";
import { join } from "node:path";

/** Modes of everything under the dev data folder: it holds configs, secrets included. */
const PRIVATE_DIR_MODE = 0o700;
const PRIVATE_FILE_MODE = 0o600;

/**
 * Creates `dir` if missing and makes it and everything under it private to this user: folders
 * 0700, files 0600 (symlinks are left alone, never followed).
 */
export async function makePrivate(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  await tighten(dir);
}

async function tighten(path: string): Promise<void> {
  const info = await lstat(path).catch(() => undefined);
  if (!info || info.isSymbolicLink()) return;
  if (info.isDirectory()) {
    if ((info.mode & 0o777) !== PRIVATE_DIR_MODE) await chmod(path, PRIVATE_DIR_MODE);
    const names = await readdir(path).catch(() => [] as string[]);
    await Promise.all(names.map((name) => tighten(join(path, name))));
  } else if ((info.mode & 0o777) !== PRIVATE_FILE_MODE) {
    await chmod(path, PRIVATE_FILE_MODE).catch(() => undefined); // gone meanwhile: nothing to protect
  }
}

/**
 * Keeps files that another library creates later in `dir` (dynalite's LevelDB tables and logs,
 * created with the process umask) at 0600: each new name is tightened as it appears. Returns a stop
 * function. The folder itself is 0700 already, so the moment in between exposes nothing.
 */
export function keepPrivate(dir: string): () => void {
  let watcher: FSWatcher | undefined;
  try {
    watcher = watch(dir, { persistent: false }, (event, name) => {
      if (event === "rename" && name) void tighten(join(dir, name.toString())).catch(() => undefined);
    });
    watcher.on("error", () => watcher?.close());
  } catch {
    // No file watching here (some network file systems): tightening at start and stop still holds.
  }
  return () => watcher?.close();
}
