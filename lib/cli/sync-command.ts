/** `syncron sync`: one sync between two locations, with rclone's flags and syncron's safety rules. */
import type { Drive } from "../drives/drive.ts";
import { realLocationsOverlap } from "../drives/overlap.ts";
import {
  COMPARE_MODES,
  createPathFilter,
  DEFAULT_SYNC_OPTIONS,
  deletesExtras,
  FilterRuleError,
  parseMaxDelete,
  SYNC_MODES,
  type SyncOptions,
  type SyncProgress,
  type SyncResult,
  syncDrives,
} from "../sync/index.ts";
import { ApiUnreachableError, apiClientFrom, DEV_API_URL } from "./api-client.ts";
import { oneOf, parseFlags, UsageError, wholeNumber } from "./args.ts";
import { formatBytes } from "./format-bytes.ts";

export const usage = `Usage: syncron sync <source> <target> [options]

Makes <target> hold the files of <source>. Locations:
  a path or file:///abs/path
  s3://bucket/prefix[?endpoint=URL&region=R&path_style=true]   credentials: AWS_* environment
                            (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_REGION, AWS_ENDPOINT_URL_S3)
                            or the SDK's default chain
  webdav://host[:port]/path, webdavs://… (https)[?vendor=nextcloud|owncloud|other]
                            credentials: user[:password]@ in the URL or WEBDAV_USERNAME/WEBDAV_PASSWORD
  name:path                 a path inside a named drive (nas:/photos), from --drives FILE, else from
                            the drives API (--url; its drives must have no secrets, which it never gives out)
Locations are shown with secrets masked.

Options:
  --mode copy|mirror|overwrite
                            copy (default) never deletes; mirror also deletes target files missing
                            from the source, after all transfers, and only if nothing failed;
                            overwrite is a mirror that re-copies every file, however it compares
  --compare size-mtime|checksum|size
                            how files are judged equal (default size-mtime; size where a drive has
                            no mod times)
  --include GLOB            only files matching a glob (repeatable); * ? ** {a,b}; a leading / anchors
  --exclude GLOB            skip files matching a glob (repeatable); excluded target files are kept
  --max-delete N|P%         abort a mirror that would delete more than N files or P% of the target;
                            without --max-delete a mirror deletes at most half of the target's files
                            (at least 2): --max-delete 100% lifts that
  --dry-run                 show the plan, change nothing
  --transfers N             parallel file transfers (default 4)
  --checkers N              parallel directory listings and hash reads (default 8)
  --drives FILE             the drives name:path locations name: a JSON array of drives, or an object
                            of drives by name, each as POST /api/v1/drives takes it; mode 0600 (a file
                            group or others may read is refused)
  --url URL                 without --drives: the API whose drives to use (default $SYNCRON_URL,
                            else ${DEV_API_URL})
  --json                    print the result as one JSON object
  -h, --help                show this help

Exit codes: 0 success, 1 failure or abort (max-delete, empty source, interrupted), 2 usage error.

Examples:
  syncron sync ./photos /mnt/backup/photos --mode mirror --exclude "*.tmp" --max-delete 10%
  syncron sync nas:/photos ./photos --drives ~/.config/syncron/drives.json`;

interface SyncArgs {
  readonly source: string;
  readonly target: string;
  readonly json: boolean;
  readonly options: SyncOptions;
  readonly drives: string | undefined;
  readonly url: string | undefined;
}

const FLAGS = {
  mode: { type: "string" },
  compare: { type: "string" },
  include: { type: "string", multiple: true },
  exclude: { type: "string", multiple: true },
  "max-delete": { type: "string" },
  "dry-run": { type: "boolean" },
  transfers: { type: "string" },
  checkers: { type: "string" },
  drives: { type: "string" },
  url: { type: "string" },
  json: { type: "boolean" },
} as const;

function parse(args: string[]): SyncArgs {
  const { values, positionals } = parseFlags(args, FLAGS);
  const [source, target] = positionals;
  if (source === undefined || target === undefined || positionals.length !== 2) {
    throw new UsageError(`expected a source and a target, got ${positionals.length} argument(s)`);
  }
  const include = values.include ?? [];
  const exclude = values.exclude ?? [];
  const options: SyncOptions = {
    ...DEFAULT_SYNC_OPTIONS,
    mode: oneOf("--mode", values.mode, SYNC_MODES, DEFAULT_SYNC_OPTIONS.mode),
    compare: oneOf("--compare", values.compare, COMPARE_MODES, DEFAULT_SYNC_OPTIONS.compare),
    include,
    exclude,
    dryRun: values["dry-run"] ?? false,
    transfers: wholeNumber("--transfers", values.transfers, DEFAULT_SYNC_OPTIONS.transfers, { max: 64 }),
    checkers: wholeNumber("--checkers", values.checkers, DEFAULT_SYNC_OPTIONS.checkers, { max: 256 }),
  };
  try {
    createPathFilter(include, exclude);
  } catch (error) {
    // The flag as typed, not the API's field path (include.0).
    if (!(error instanceof FilterRuleError)) throw error;
    throw new UsageError(`--${error.field} #${error.index + 1}: ${error.reason}`);
  }
  if (values["max-delete"] !== undefined) {
    try {
      options.maxDelete = parseMaxDelete(values["max-delete"]);
    } catch (error) {
      throw new UsageError(`--max-delete: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return { source, target, json: values.json ?? false, options, drives: values.drives, url: values.url };
}

/**
 * Opens both locations as drives (loading the S3 and WebDAV clients only now). `name:path` locations
 * are resolved first, from the drives file or else the API, by the worker's resolver. Throws
 * UsageError for a bad location, an unknown or unusable drive, or two locations that overlap (one
 * inside the other). The source's local drive, and on a dry run the target's too, measure their
 * disk without a probe file: a source is never written, and a dry run writes nothing at all.
 */
async function openPair(parsed: SyncArgs, env: NodeJS.ProcessEnv): Promise<[Drive, Drive]> {
  const { source, target } = parsed;
  const { LocationError, parseLocation, redactLocation } = await import("../drives/location.ts");
  const { DriveUnavailableError } = await import("../jobs/drives/errors.ts");
  let field = "source";
  try {
    let [from, to] = [parseLocation(source), parseLocation(target)];
    if (from.kind === "drive" || to.kind === "drive") {
      const { drivesFromApi, drivesFromFile } = await import("./sync-drives.ts");
      const resolve = parsed.drives
        ? await drivesFromFile(parsed.drives)
        : drivesFromApi(apiClientFrom(parsed.url, env));
      from = await resolve(from);
      field = "target";
      to = await resolve(to);
    }
    // Judged on the real disk (symlinks, bind mounts, case), before any drive writes even a probe file.
    if (await realLocationsOverlap(from, to)) {
      throw new UsageError(
        `${redactLocation(source)} and ${redactLocation(target)} overlap: one is inside the other, so the sync would read its own output`,
      );
    }
    // Two local folders need neither the S3 nor the WebDAV client, whose loading costs ~0.3 s (bench:coldstart).
    const { createLocalDrive } = await import("../drives/local/local-drive.ts");
    // A source is only read (no probe file there either); a dry run writes nowhere at all.
    const open = async (location: string, resolved: typeof from, onlyRead: boolean): Promise<Drive> =>
      resolved.kind === "local"
        ? createLocalDrive({ root: resolved.root, name: redactLocation(location), readOnly: onlyRead })
        : (await import("../drives/open-drive.ts")).driveFor(resolved, redactLocation(location), env);
    return [await open(source, from, true), await open(target, to, parsed.options.dryRun)];
  } catch (error) {
    if (error instanceof LocationError) throw new UsageError(error.message);
    if (error instanceof DriveUnavailableError) {
      const missing = error.code === "DRIVE_NOT_FOUND" && parsed.drives;
      throw new UsageError(
        `${field}: ${missing ? `${error.message.replace(/ \(create it.*\)$/, "")} in ${parsed.drives}` : error.message}`,
      );
    }
    throw error;
  }
}

/** Runs one sync; exit code 0 on SUCCESS, 1 on FAILURE (or abort, or Ctrl-C). Throws UsageError. */
export async function run(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const parsed = parse(args);
  let source: Drive;
  let target: Drive;
  try {
    [source, target] = await openPair(parsed, env);
  } catch (error) {
    if (!(error instanceof ApiUnreachableError)) throw error;
    console.error(`syncron sync: name:path needs its drive: give --drives FILE, or ${error.message}`);
    return 1;
  }
  const stop = new AbortController();
  const onSignal = (): void => stop.abort();
  process.once("SIGINT", onSignal);
  const progress = parsed.json || !process.stderr.isTTY ? undefined : progressLine();
  try {
    const options: SyncOptions = { ...parsed.options, signal: stop.signal };
    if (progress) options.onProgress = progress.update;
    const result = await syncDrives(source, target, options);
    progress?.clear();
    if (parsed.json) console.log(JSON.stringify(result));
    else console.log(summary(result, source.name, target.name, parsed.options));
    return result.status === "SUCCESS" ? 0 : 1;
  } finally {
    process.removeListener("SIGINT", onSignal);
    await Promise.all([source.close?.(), target.close?.()]);
  }
}

/** A one-line progress display on a terminal, redrawn at most five times a second. */
function progressLine(): { update: (p: SyncProgress) => void; clear: () => void } {
  let last = 0;
  return {
    update(p) {
      const now = Date.now();
      if (now - last < 200) return;
      last = now;
      process.stderr.write(
        `\r\x1b[K${p.files_done}/${p.files_planned} files, ${formatBytes(p.bytes_done)}/${formatBytes(p.bytes_planned)}`,
      );
    },
    clear: () => void (last > 0 && process.stderr.write("\r\x1b[K")),
  };
}

/** The human summary: what happened, then why it failed if it did. */
export function summary(result: SyncResult, source: string, target: string, options: SyncOptions): string {
  const lines: string[] = [];
  if (result.planned) {
    for (const action of result.planned) {
      if (action.kind === "copy" || action.kind === "update" || action.kind === "delete")
        lines.push(`${action.kind.padEnd(7)} ${action.path} (${formatBytes(action.size)})`);
    }
  }
  const { copied, updated, deleted } = result;
  const counts = options.dryRun
    ? `would copy ${copied}, update ${updated}, delete ${deleted}`
    : `copied ${copied}, updated ${updated}, deleted ${deleted}`;
  lines.push(
    `${options.mode} ${source} -> ${target}${options.dryRun ? " (dry run: nothing changed)" : ""}: ${result.status}`,
    `  ${counts}, unchanged ${result.skipped}, failed ${result.failed}; ` +
      `${formatBytes(result.bytes_transferred)} in ${(result.duration_ms / 1000).toFixed(1)} s`,
  );
  if (result.aborted) lines.push(`  aborted: ${result.aborted}`);
  if (result.interrupted) lines.push("  interrupted: run it again to continue");
  for (const error of result.errors.slice(0, 20))
    lines.push(`  error: ${error.op} ${error.path}: ${error.message}`);
  if (result.failed > 0 && deletesExtras(options.mode))
    lines.push("  nothing was deleted because of the errors");
  return lines.join("\n");
}
