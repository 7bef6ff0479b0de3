import type { Readable } from "node:stream";

/**
 * Where per-file run reports are kept: a flat store of named byte streams, one folder per run. A file
 * folder in the dev data folder, an S3 bucket on AWS. The report format (gzip JSON lines) is the
 * writer's and reader's business, not the store's.
 */
export interface ReportBlobs {
  /** Stores `body` under `key`, reading it to its end; the object appears only once whole. */
  put(key: string, body: Readable): Promise<void>;
  /** The keys under `prefix`, in lexical order. */
  list(prefix: string): Promise<string[]>;
  /** The bytes under `key`, or undefined when there is none. */
  get(key: string): Promise<Readable | undefined>;
}

/** What reading reports needs (the API). */
export type ReportReader = Pick<ReportBlobs, "list" | "get">;
/** What writing reports needs (the worker). */
export type ReportUploader = Pick<ReportBlobs, "put">;

/** Where reports sit inside the stage's reports bucket. */
export const REPORTS_PREFIX = "reports/";
/** Reports expire with the runs they describe (runs have a 30-day TTL). */
export const REPORT_RETENTION_DAYS = 30;

/** `<task id>/`: every part of one run's report. */
export const reportPrefix = (taskId: string): string => `${taskId}/`;

/**
 * A new part's key: each worker invocation of a run (first attempt, retries, continuations) writes
 * its own part; the ISO time first makes lexical order the order they were written in.
 */
export const reportPartKey = (taskId: string, now: Date, suffix: string): string =>
  `${reportPrefix(taskId)}${now.toISOString().replace(/[:.]/g, "-")}-${suffix}.jsonl.gz`;
