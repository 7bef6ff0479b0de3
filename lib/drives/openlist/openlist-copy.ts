/**
 * Server-side copy between two folders of one OpenList: `POST /api/fs/copy`, then the copy task
 * followed until done (`/api/task/copy/info`). OpenList copies inside a storage at once where the
 * storage can (a reflink, a cloud drive's own copy) and otherwise runs a task that reads the source
 * and uploads it to the target storage on the server: no byte passes through this process either way.
 */
import { createHash } from "node:crypto";
import { sleep } from "../../util/sleep.ts";
import {
  baseName,
  checkPath,
  type Drive,
  type FileEntry,
  type FileInfo,
  joinPath,
  parentOf,
} from "../drive.ts";
import { DriveError, IsADirectoryError } from "../errors.ts";
import { innerDrive } from "../rate-limit.ts";
import { type OpenListClient, OpenListReplyError, toOpenListError } from "./openlist-client.ts";

interface Registered {
  readonly client: OpenListClient;
  /** The full OpenList path of a drive path. */
  readonly remote: (path: string) => string;
}

/** `TaskInfo` of server/handles/task.go; `state` is tache's State. */
export interface CopyTask {
  id: string;
  name: string;
  state: number;
  status: string;
  progress: number;
  total_bytes: number;
  error: string;
}

/** tache states (github.com/OpenListTeam/tache state.go). */
const SUCCEEDED = 2;
const CANCELED = 4;
const FAILED = 7;
const POLL_MS = [100, 200, 400, 800, 1600];

export interface CopyFromOptions {
  readonly signal?: AbortSignal;
  /** Bytes the server has copied of this file so far (from the task's progress). */
  readonly onProgress?: (bytesDone: number) => void;
}

const drives = new WeakMap<Drive, Registered>();

export const registerOpenListDrive = (drive: Drive, registered: Registered): void => {
  drives.set(drive, registered);
};

/**
 * Copies `source` (a file of `from`) to `path` of `target` inside OpenList, when both drives are
 * folders of the same OpenList site and the file keeps its name; returns undefined otherwise, or when
 * OpenList refuses the copy (no copy permission, not supported), so the engine streams instead.
 *
 * Atomic like `write`: the copy goes into a temporary folder beside the target, then moves over it.
 * The temporary folder's name derives from the file (source path, size, mod time): a continuation that
 * finds the copy task of an earlier invocation still running follows it instead of starting again.
 * A failed or cancelled task throws DriveError with OpenList's message.
 */
export async function copyInsideOpenList(
  target: Drive,
  from: Drive,
  source: FileInfo,
  path: string,
  options: CopyFromOptions = {},
): Promise<FileEntry | undefined> {
  checkPath(path);
  const dst = drives.get(target);
  const src = drives.get(innerDrive(from));
  if (!dst || !src || src.client.origin !== dst.client.origin) return undefined;
  const name = baseName(path);
  if (baseName(source.path) !== name) return undefined;
  const { client } = dst;
  const { signal } = options;
  const dir = parentOf(path);
  const srcRemote = src.remote(source.path);
  const tempName = `.${name.slice(0, 40)}.syncron-${stableId(srcRemote, dst.remote(path), source)}.partial`;
  const temp = joinPath(dir, tempName);
  const fail = (error: unknown, action = "copy") => toOpenListError(error, action, path);

  let task: CopyTask | undefined;
  try {
    const undone = await client.call<CopyTask[] | null>("/api/task/copy/undone", undefined, signal, "GET");
    task = (undone ?? []).find((candidate) => candidate.name.includes(`/${tempName})`));
  } catch (error) {
    throw fail(error);
  }
  if (!task) {
    try {
      await client.call("/api/fs/mkdir", { path: dst.remote(temp) }, signal);
      const reply = await client.call<{ tasks?: CopyTask[] } | null>(
        "/api/fs/copy",
        {
          src_dir: src.remote(parentOf(source.path)),
          dst_dir: dst.remote(temp),
          names: [name],
          overwrite: true,
        },
        signal,
      );
      task = reply?.tasks?.[0];
    } catch (error) {
      await removeTemp(dst, temp);
      if (refused(error)) return undefined;
      throw fail(error);
    }
  }
  if (task)
    await follow(client, task, source, options).catch(async (error: unknown) => {
      if (!signal?.aborted) await removeTemp(dst, temp);
      throw error instanceof DriveError || (error as Error).name === "AbortError" ? error : fail(error);
    });
  try {
    await client.call(
      "/api/fs/move",
      { src_dir: dst.remote(temp), dst_dir: dst.remote(dir), names: [name], overwrite: true },
      signal,
    );
  } catch (error) {
    await removeTemp(dst, temp);
    const existing = await target.stat(path).catch((statError: unknown) => statError);
    if (existing instanceof IsADirectoryError)
      throw new IsADirectoryError(`openlist copy "${path}": a directory is in the way`, path);
    throw fail(error);
  }
  await removeTemp(dst, temp);
  const written = await target.stat(path);
  if (written.size !== source.size) {
    throw new DriveError(
      `openlist copy "${path}": the server stored ${written.size} of ${source.size} bytes`,
      path,
    );
  }
  return written;
}

/** Polls the task until it ends; reports progress; an abort leaves it running for a continuation. */
async function follow(
  client: OpenListClient,
  first: CopyTask,
  source: FileInfo,
  options: CopyFromOptions,
): Promise<void> {
  const { signal } = options;
  let task = first;
  for (let poll = 0; ; poll++) {
    options.onProgress?.(Math.round(((task.progress || 0) / 100) * source.size));
    if (task.state === SUCCEEDED) break;
    if (task.state === FAILED || task.state === CANCELED) {
      throw new DriveError(
        `openlist copy "${source.path}": the copy task ${task.state === FAILED ? "failed" : "was cancelled"}: ${task.error || task.status}`,
        source.path,
      );
    }
    await sleep(POLL_MS[Math.min(poll, POLL_MS.length - 1)] ?? 1000, signal);
    task = await client.call<CopyTask>(`/api/task/copy/info?tid=${encodeURIComponent(task.id)}`, {}, signal);
  }
  // Done tasks stay listed in OpenList until cleared: drop ours.
  await client.call(`/api/task/copy/delete?tid=${encodeURIComponent(task.id)}`, {}).catch(() => {});
}

/** OpenList said no to this copy (the user may not copy, the storages cannot): stream instead. */
const refused = (error: unknown): boolean =>
  error instanceof OpenListReplyError &&
  (error.code === 403 || /not implement|not support/i.test(error.message)) &&
  !/exists/i.test(error.message);

const removeTemp = async (dst: Registered, temp: string): Promise<void> => {
  await dst.client
    .call("/api/fs/remove", { dir: dst.remote(parentOf(temp)), names: [baseName(temp)] })
    .catch(() => {});
};

/** 16 hex digits naming one copy of one version of a file. */
const stableId = (from: string, to: string, source: FileInfo): string =>
  createHash("sha256")
    .update(`${from}\n${to}\n${source.size}\n${source.modTime ?? ""}`)
    .digest("hex")
    .slice(0, 16);
