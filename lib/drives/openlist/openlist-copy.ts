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
  type CopyFromOptions,
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
import { type ObjResp, toEntry } from "./openlist-objects.ts";

interface Registered {
  readonly client: OpenListClient;
  /** The full OpenList path of a drive path. */
  readonly remote: (path: string) => string;
  /**
   * Copy tasks still running when this drive first copied (started by an earlier invocation of the
   * same run): read once per drive, since this drive's own copies are followed to their end.
   */
  earlierTasks(signal?: AbortSignal): Promise<CopyTask[]>;
  /** Source drives OpenList refused to copy from into this one: later files stream at once. */
  readonly refusedFrom: WeakSet<Drive>;
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
const POLL_MS = [20, 50, 100, 200, 400, 800, 1600];

const drives = new WeakMap<Drive, Registered>();

/** Makes `drive` (a folder of the OpenList `client` talks to) a party of server-side copies. */
export const registerOpenListDrive = (
  drive: Drive,
  client: OpenListClient,
  remote: (path: string) => string,
): void => {
  let earlier: Promise<CopyTask[]> | undefined;
  const earlierTasks = (signal?: AbortSignal) => {
    earlier ??= client.call<CopyTask[] | null>("/api/task/copy/undone", undefined, signal, "GET").then(
      (tasks) => tasks ?? [],
      (error: unknown) => {
        earlier = undefined;
        throw error;
      },
    );
    return earlier;
  };
  drives.set(drive, { client, remote, earlierTasks, refusedFrom: new WeakSet() });
};

/**
 * Copies `source` (a file of `from`) to `path` of `target` inside OpenList, when both drives are
 * folders of the same OpenList site; returns undefined otherwise, or when OpenList refuses the copy (no
 * copy permission, not supported), so the engine streams instead. Also undefined when the target must
 * keep mod times and the copy did not (an in-storage reflink gets a new one): streaming sets it.
 *
 * Atomic like `write`: the copy goes into a temporary folder beside the target, is checked (size) and
 * then moved over it. The temporary folder's name derives from the file (source path, size, mod time):
 * a continuation that finds the copy task of an earlier invocation still running follows it instead of
 * starting again. A failed or cancelled task throws the drive error its message means.
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
  const origin = innerDrive(from);
  if (!dst || !src || src.client.origin !== dst.client.origin || dst.refusedFrom.has(origin))
    return undefined;
  const { client } = dst;
  const { signal } = options;
  const name = baseName(path);
  const sourceName = baseName(source.path);
  const dir = parentOf(path);
  const tempName = `.${name.slice(0, 40)}.syncron-${stableId(src.remote(source.path), dst.remote(path), source)}.partial`;
  const temp = joinPath(dir, tempName);
  const fail = (error: unknown) => toOpenListError(error, "copy", path);

  let task: CopyTask | undefined;
  try {
    task = (await dst.earlierTasks(signal)).find((candidate) => candidate.name.endsWith(`/${tempName})`));
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
          names: [sourceName],
          overwrite: true,
        },
        signal,
      );
      task = reply?.tasks?.[0];
    } catch (error) {
      await removeTemp(dst, temp);
      if (refused(error)) {
        dst.refusedFrom.add(origin); // a permission or what two storages can do: the same for every file
        return undefined;
      }
      throw fail(error);
    }
  }
  try {
    if (task) await follow(client, task, source, options);
    const copied = toEntry(
      path,
      await client.call<ObjResp>("/api/fs/get", { path: dst.remote(joinPath(temp, sourceName)) }, signal),
    );
    if (copied.kind !== "file" || copied.size !== source.size) {
      const size = copied.kind === "file" ? copied.size : "a folder, not";
      throw new DriveError(
        `openlist copy "${path}": the server copied ${size} bytes, not the ${source.size} the source listed; previous file kept`,
        path,
      );
    }
    const keepsTime =
      !target.features.canSetModTime ||
      source.modTime === undefined ||
      (copied.modTime !== undefined &&
        Math.abs(copied.modTime - source.modTime) < target.features.modTimePrecisionMs);
    if (!keepsTime) {
      await removeTemp(dst, temp);
      return undefined;
    }
    if (sourceName !== name) {
      await client.call(
        "/api/fs/rename",
        { path: dst.remote(joinPath(temp, sourceName)), name, overwrite: true },
        signal,
      );
    }
    await client.call(
      "/api/fs/move",
      { src_dir: dst.remote(temp), dst_dir: dst.remote(dir), names: [name], overwrite: true },
      signal,
    );
    await removeTemp(dst, temp);
    return { ...copied, path };
  } catch (error) {
    if (signal?.aborted) throw error; // the task runs on: a continuation finds it by the folder's name
    await removeTemp(dst, temp);
    const existing = await target.stat(path).catch((statError: unknown) => statError);
    if (existing instanceof IsADirectoryError)
      throw new IsADirectoryError(`openlist copy "${path}": a directory is in the way`, path);
    throw error instanceof DriveError ? error : fail(error);
  }
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
      const why = task.error || task.status || (task.state === FAILED ? "failed" : "cancelled");
      throw new OpenListReplyError(
        500,
        `the copy task ${task.state === FAILED ? "failed" : "was cancelled"}: ${why}`,
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
