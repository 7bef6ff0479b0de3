import type { Drive } from "../../drives/drive.ts";
import { refSegments } from "../../drives/drive-ref.ts";
import { DirectoryNotFoundError, FileNotFoundError, isAuthFailure } from "../../drives/errors.ts";
import { NotFoundError } from "../../store/errors.ts";
import type { DriveDeps } from "./deps.ts";
import { DriveValidationError } from "./errors.ts";
import { locateInDrive } from "./resolve-drive.ts";

/** How a drive check failed: refused login, missing root (bucket, folder), or nothing answering in time. */
export type CheckCode = "AUTH_FAILED" | "NOT_FOUND" | "UNREACHABLE";

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

async function withDrive<T>(
  name: string,
  path: string,
  deps: { drives: DriveDeps },
  use: (drive: Drive, signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const record = await deps.drives.records.get(name);
  if (!record) throw new NotFoundError("drive", name);
  const location = await locateInDrive(record, path, deps.drives.secrets);
  const drive = await deps.drives.open(location, `${name}:${path}`);
  try {
    return await use(drive, AbortSignal.timeout(PROBE_TIMEOUT_MS));
  } finally {
    await drive.close?.();
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
    if (error instanceof NotFoundError || (error as Error).name === "DriveUnavailableError") throw error;
    return { ok: false, error: { code: codeOf(error), message: messageOf(error) } };
  }
}

/** One folder of a drive (`path` inside it), sorted by name, at most {@link MAX_ENTRIES}. Throws the drive's errors. */
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
  });
}

const messageOf = (error: unknown): string =>
  error instanceof Error && error.name === "TimeoutError"
    ? `no answer within ${PROBE_TIMEOUT_MS / 1000} s`
    : error instanceof Error
      ? error.message
      : String(error);
