/** The data shapes of the sync engine: options in, actions planned, result out. */
import type { FileEntry, HashType } from "../drives/drive.ts";
import type { Extras } from "./delete-extras.ts";
import type { FilterRule } from "./rules.ts";

/**
 * `copy` never deletes; `mirror` makes the target equal to the source (deletes extras, after the
 * transfers); `overwrite` is a mirror that also re-copies every file whatever it compares like
 * (rclone's `--ignore-times`, the seed's `overwrite`), never deleting a file before its copy.
 */
export const SYNC_MODES = ["copy", "mirror", "overwrite"] as const;
export type SyncMode = (typeof SYNC_MODES)[number];

/** Whether a mode deletes target files the source does not have (with every mirror guard). */
export const deletesExtras = (mode: SyncMode): boolean => mode !== "copy";
/** How two files with the same path are judged equal. */
export const COMPARE_MODES = ["size-mtime", "checksum", "size"] as const;
export type CompareMode = (typeof COMPARE_MODES)[number];
/** The most a mirror may delete: a file count, or a percentage of the target's files. */
export type MaxDelete = { count: number } | { percent: number };

export interface SyncProgress {
  files_done: number;
  files_planned: number;
  bytes_done: number;
  bytes_planned: number;
}

export interface SyncError {
  path: string;
  op: "list" | "read" | "write" | "delete" | "compare";
  message: string;
  /** `AUTH_FAILED`: a drive refused its credentials (a retry with the same ones cannot help). */
  code?: "AUTH_FAILED";
}

/** What to copy, update or delete. `copy`/`update` carry the source file's facts (a FileInfo). */
export type SyncAction =
  | {
      kind: "copy" | "update";
      path: string;
      size: number;
      modTime?: number;
      hashes?: Readonly<Partial<Record<HashType, string>>>;
      /** Why an update: the sizes, the mod times or the hashes differ. */
      reason?: "size" | "modtime" | "hash" | "overwrite";
    }
  | { kind: "skip"; path: string; size: number }
  | { kind: "delete"; path: string; size: number }
  /** Sizes equal but hashes unknown from the listings: the executor reads both hashes, then decides. */
  | { kind: "check"; path: string; source: FileEntry; target: FileEntry; hash: HashType }
  /** A directory to walk; `target` only = an extra directory a mirror empties. */
  | { kind: "descend"; path: string; source: boolean; target: boolean }
  /** A file on one side and a directory on the other: reported as an error, never overwritten. */
  | { kind: "conflict"; path: string; message: string };

/** Counters carried from one chunk of a long run to the next. */
export interface CheckpointCounters {
  copied: number;
  updated: number;
  skipped: number;
  bytes_transferred: number;
  files_checked: number;
  /** Files seen (after filters) on the source in finished directories; feeds the empty-source guard. */
  source_files: number;
  /** Files seen on the target in finished directories; feeds the percent max-delete guard. */
  target_files: number;
  duration_ms: number;
}

/**
 * Where an interrupted run stopped, to continue it later. JSON-serializable and small (capped well under
 * 100 KB): it lists finished directory subtrees, collapsed to their highest finished ancestor, never files.
 * Across chunks `copied`, `updated`, `deleted` and `bytes_transferred` add up exactly; a file finished in a
 * directory left unfinished is compared again on resume and also counted there as `skipped`.
 */
export interface SyncCheckpoint {
  version: 1;
  /** Options that change the plan; a checkpoint taken with other options is ignored. */
  fingerprint: string;
  /** Directory subtrees whose files are all settled (and, in mirror mode, that have nothing to delete). */
  done_dirs: string[];
  counters: CheckpointCounters;
}

/**
 * One file a run acted on or compared, for the per-file report: `planned` in a dry run, else `done`
 * or `failed` (with the reason). Skips are the files found equal.
 */
export interface SyncItem {
  readonly path: string;
  readonly op: "copy" | "update" | "delete" | "skip";
  readonly size: number;
  readonly status: "done" | "failed" | "planned";
  readonly error?: string;
}

export interface SyncOptions {
  mode: SyncMode;
  compare: CompareMode;
  /** Rules (globs or structured, see rules.ts) a file must match one of (none = every file). */
  include: readonly FilterRule[];
  /** Rules that exclude a file or folder; excluded target files are never deleted. */
  exclude: readonly FilterRule[];
  maxDelete?: MaxDelete;
  dryRun: boolean;
  /** Parallel file transfers (and deletes). */
  transfers: number;
  /** Parallel directory listings and hash reads. */
  checkers: number;
  /** Aborting stops new work and aborts in-flight transfers; the result is `interrupted` with a checkpoint. */
  signal?: AbortSignal;
  /** Epoch ms: as for `signal`, at this instant. Pass a time a little before your hard limit. */
  deadline?: number;
  onProgress?: (progress: SyncProgress) => void;
  /**
   * Called once per file the run copied, updated, deleted or found equal (or would, in a dry run). A
   * returned promise is awaited before the run goes on (backpressure from a report upload).
   */
  onItem?: (item: SyncItem) => void | Promise<void>;
  /** Continue an interrupted run. */
  checkpoint?: SyncCheckpoint;
  /** For retryable errors: total attempts (default 3) and the backoff base (default 200 ms). */
  retry?: { attempts: number; baseDelayMs: number };
  /**
   * For one run split across workers (BENCHMARKS.md, "Beyond one worker"): in a deleting mode, find
   * the extras but delete nothing, and apply no delete guard; the result's `deferred` lists them, for
   * the one step that deletes after every part of the run finished (`deleteDeferred`).
   */
  deferDeletes?: boolean;
  /**
   * Called once a folder below the root that the source has was listed on both sides, with the entries
   * this run has listed so far (both sides, this folder's included). `true` = the caller takes the
   * folder over (another worker syncs it): this run does not walk it and counts it finished in its
   * checkpoint, so resolve `true` only once the hand-over is durable (and answer alike when asked
   * again about a folder already handed over: a resumed run asks again). A rejection is that folder's
   * error: not walked, and the run fails.
   */
  handOff?: (dir: string, listed: number) => boolean | Promise<boolean>;
}

/** What a run with `deferDeletes` leaves to delete, and the counts the run-wide guards need. */
export interface DeferredDeletes extends Extras {
  /** Files seen on the source (after filters), for the empty-source guard. */
  readonly source_files: number;
  /** Files seen on the target, for the percent max-delete guard. */
  readonly target_files: number;
}

export interface SyncResult {
  /** SUCCESS only when the run finished with no error and no abort; an interrupted run is FAILURE. */
  status: "SUCCESS" | "FAILURE";
  copied: number;
  updated: number;
  deleted: number;
  skipped: number;
  failed: number;
  bytes_transferred: number;
  files_checked: number;
  duration_ms: number;
  /** The first 100 errors. */
  errors: SyncError[];
  /**
   * The run failed only with transient faults (throttling, 5xx, refused or reset connections,
   * timeouts) that outlasted the in-run retries: a later attempt may succeed. False when it succeeded,
   * aborted, was interrupted, or had any permanent error.
   */
  retryable: boolean;
  /** Why the run refused to go on (max-delete, empty source, no common hash). Nothing was deleted. */
  aborted?: string;
  /** Stopped by the signal or the deadline; continue with `checkpoint`. */
  interrupted?: boolean;
  checkpoint?: SyncCheckpoint;
  /** Dry run only: the copies, updates and deletes that would happen (first 10,000). */
  planned?: SyncAction[];
  /** With `deferDeletes` in a deleting mode, only when the run is SUCCESS: what is left to delete. */
  deferred?: DeferredDeletes;
}

/** One directory's entries on one side (or any set of entries: the planner matches by path). */
export type Listing = readonly import("../drives/drive.ts").Entry[];

export interface PlanOptions {
  mode: SyncMode;
  /** `size-mtime` with `modTimeWindowMs: Infinity` compares by size only. */
  compare: CompareMode;
  /** Mod times closer than this are equal (the coarser precision of the two drives). */
  modTimeWindowMs: number;
  /** The hash type to compare by (required for `checksum`; used by `size-mtime` when both listings carry it). */
  hash?: HashType;
  /** True when a file path is selected by the include/exclude filters. Default: every path. */
  filter?: (path: string) => boolean;
  /** Match names ignoring case (either drive is case-insensitive). */
  caseInsensitive?: boolean;
  /** False for a directory whose whole subtree the filters leave out: it is not walked. Default: all walked. */
  directoryFilter?: (dir: string) => boolean;
}
