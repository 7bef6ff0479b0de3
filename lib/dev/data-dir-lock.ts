import { readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";

/** Thrown when another live process holds the data dir. */
class DataDirBusyError extends Error {
  override name = "DataDirBusyError";
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
};

/**
 * Claims `dir` for this process with a `dev.pid` file: dynalite's database allows one process, and
 * a second stack on the same dir would otherwise fail later with an obscure "Database is closed".
 * A pid file left by a killed process (SIGKILL, crash) is taken over. Resolves a release function.
 * Throws DataDirBusyError naming the holder.
 */
export async function lockDataDir(dir: string): Promise<() => Promise<void>> {
  const file = join(dir, "dev.pid");
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await writeFile(file, String(process.pid), { flag: "wx", mode: 0o600 });
      return () => rm(file, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    const holder = Number.parseInt(await readFile(file, "utf8").catch(() => ""), 10);
    if (Number.isInteger(holder) && holder !== process.pid && alive(holder)) {
      throw new DataDirBusyError(`data dir ${dir} is in use by another syncron dev (pid ${holder})`);
    }
    await rm(file, { force: true });
  }
  throw new DataDirBusyError(`data dir ${dir} is being claimed by another process; try again`);
}
