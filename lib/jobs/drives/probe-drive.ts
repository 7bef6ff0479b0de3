import type { Drive } from "../../drives/drive.ts";
import { refSegments } from "../../drives/drive-ref.ts";
import {
  DirectoryNotFoundError,
  FileNotFoundError,
  InvalidPathError,
  isAuthFailure,
} from "../../drives/errors.ts";
import { LocalPathRefusedError } from "../../drives/local-roots.ts";
import { NotFoundError } from "../../store/errors.ts";
import type { DriveDeps } from "./deps.ts";
import { DriveProbeError, DriveValidationError } from "./errors.ts";
import { locateInDrive } from "./resolve-drive.ts";

/** How a drive check failed: refused login, missing root (bucket, folder), or nothing answering in time. */
export type CheckCode = DriveProbeError["code"];

export type CheckResult =
  | { readonly ok: true }
  | { readonly ok: false; readonly error: { readonly code: CheckCode; readonly message: string } };

/** One entry of a folder listing, as the API shows it. */
export interface EntryView {
  readonly name: string;
  readonly type: "file" | "directory";
  readonly size: number | null;
  readonly mod_time: string | null;
}

/** Most entries one listing returns (`truncated` says when there were more). */
export const MAX_ENTRIES = 1000;
/** A check or listing that has not answered by then counts as UNREACHABLE. */
export const PROBE_TIMEOUT_MS = 15_000;

const codeOf = (error: unknown): CheckCode => {
  if (isAuthFailure(error)) return "AUTH_FAILED";
  if (error instanceof DirectoryNotFoundError || error instanceof FileNotFoundError) return "NOT_FOUND";
  return "UNREACHABLE";
};

/** A path the drive refuses to go to (a symlink out of a local drive or its allowed roots): the request's fault. */
const isRefusedPath = (error: unknown): error is Error =>
  error instanceof LocalPathRefusedError || error instanceof InvalidPathError;

/** Opens the drive at `path` and hands it to `use`. A refused path is a DriveValidationError naming `path`. */
async function withDrive<T>(
  name: string,
  path: string,
  deps: { drives: DriveDeps },
  use: (drive: Drive, signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const record = await deps.drives.records.get(name);
  if (!record) throw new NotFoundError("drive", name);
  const location = await locateInDrive(record, path, deps.drives.secrets);
  try {
    const drive = await deps.drives.open(location, `${name}:${path}`);
    try {
      return await use(drive, AbortSignal.timeout(PROBE_TIMEOUT_MS));
    } finally {
      await drive.close?.();
    }
  } catch (error) {
    if (isRefusedPath(error)) {
      throw new DriveValidationError([{ path: "path", message: error.message }]);
    }
    throw error;
  }
}

/**
 * Logs in to a drive and lists its root (for an s3 drive without a bucket, `path` names one), so a
 * user can test a login before a night's run fails. Throws NotFoundError for an unknown drive and
 * DriveUnavailableError when its settings make no location; a failing drive is `{ok:false}`.
 */
export async function checkDriveAccess(
  name: string,
  path: string,
  deps: { drives: DriveDeps },
): Promise<CheckResult> {
  try {
    return await withDrive(name, path, deps, async (drive, signal) => {
      for await (const _entry of drive.list("", { signal })) break;
      return { ok: true } as const;
    });
  } catch (error) {
    if (isRequestError(error)) throw error;
    return { ok: false, error: { code: codeOf(error), message: messageOf(error) } };
  }
}

/** Errors of the request itself (unknown drive, unusable settings, a refused path), thrown as they are. */
const isRequestError = (error: unknown): boolean =>
  error instanceof NotFoundError ||
  error instanceof DriveValidationError ||
  (error as Error).name === "DriveUnavailableError";

/**
 * One folder of a drive (`path` inside it), sorted by name, at most {@link MAX_ENTRIES}. Throws
 * NotFoundError (no such drive), DriveValidationError (a bad or refused `path`), DriveUnavailableError,
 * and DriveProbeError when the drive fails (the folder missing, the login refused, no answer).
 */
export async function listDriveEntries(
  name: string,
  path: string,
  deps: { drives: DriveDeps },
): Promise<{ path: string; items: EntryView[]; truncated: boolean }> {
  let clean: string;
  try {
    clean = refSegments(path).join("/");
  } catch (error) {
    throw new DriveValidationError([{ path: "path", message: (error as Error).message }]);
  }
  return withDrive(name, clean, deps, async (drive, signal) => {
    try {
      return await listFolder(drive, signal, clean);
    } catch (error) {
      if (isRefusedPath(error)) throw error;
      const code = codeOf(error);
      const what = code === "NOT_FOUND" ? "folder not found" : messageOf(error);
      throw new DriveProbeError(code, `drive ${JSON.stringify(name)}, /${clean}: ${what}`, { cause: error });
    }
  });
}

async function listFolder(
  drive: Drive,
  signal: AbortSignal,
  clean: string,
): Promise<{ path: string; items: EntryView[]; truncated: boolean }> {
  const items: EntryView[] = [];
  let truncated = false;
  for await (const entry of drive.list("", { signal })) {
    if (items.length === MAX_ENTRIES) {
      truncated = true;
      break;
    }
    items.push({
      name: entry.path.slice(entry.path.lastIndexOf("/") + 1),
      type: entry.kind,
      size: entry.kind === "file" ? entry.size : null,
      mod_time: entry.modTime === undefined ? null : new Date(entry.modTime).toISOString(),
    });
  }
  items.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { path: `/${clean}`, items, truncated };
}

const messageOf = (error: unknown): string =>
  error instanceof Error && error.name === "TimeoutError"
    ? `no answer within ${PROBE_TIMEOUT_MS / 1000} s`
    : error instanceof Error
      ? error.message
      : String(error);
