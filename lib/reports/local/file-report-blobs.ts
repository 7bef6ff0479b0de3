import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, readdir, rename, rm } from "node:fs/promises";
import { dirname, join, relative, sep } from "node:path";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReportBlobs } from "../report-blobs.ts";

/**
 * Reports in a folder (the dev data folder's `reports/`): one file per part, written under a temporary
 * name and renamed when whole, files 0600 and folders 0700 like the rest of the data folder.
 */
export function createFileReportBlobs(root: string): ReportBlobs {
  const pathOf = (key: string) => {
    const path = join(root, ...key.split("/"));
    // Keys are built from task ids; refuse one that would leave the folder all the same.
    if (relative(root, path).startsWith(".."))
      throw new Error(`report key ${JSON.stringify(key)} leaves ${root}`);
    return path;
  };
  return {
    async put(key, body) {
      const path = pathOf(key);
      await mkdir(dirname(path), { recursive: true, mode: 0o700 });
      const partial = `${path}.partial`;
      try {
        await pipeline(body, createWriteStream(partial, { mode: 0o600 }));
        await rename(partial, path);
      } catch (error) {
        await rm(partial, { force: true });
        throw error;
      }
    },
    async list(prefix) {
      const dir = pathOf(prefix.replace(/\/$/, ""));
      const names = await readdir(dir).catch((error: NodeJS.ErrnoException) => {
        if (error.code === "ENOENT") return [];
        throw error;
      });
      const base = relative(root, dir).split(sep).join("/");
      return names
        .filter((name) => !name.endsWith(".partial"))
        .sort()
        .map((name) => `${base}/${name}`);
    },
    async get(key): Promise<Readable | undefined> {
      const stream = createReadStream(pathOf(key));
      return new Promise((resolve, reject) => {
        stream.once("open", () => resolve(stream));
        stream.once("error", (error: NodeJS.ErrnoException) =>
          error.code === "ENOENT" ? resolve(undefined) : reject(error),
        );
      });
    },
  };
}
