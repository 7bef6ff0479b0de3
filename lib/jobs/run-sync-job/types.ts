import type { Drive } from "../../drives/drive.ts";
import type { Location } from "../../drives/location.ts";
import type { DriveExtras } from "../../drives/open-drive.ts";
import type { SqsProducer } from "../../queue/sqs-producer.ts";
import type { ListingMemos } from "../../reports/listing-memos.ts";
import type { ReportUploader } from "../../reports/report-blobs.ts";
import type { FinishedStatus, RunStatus, RunTrigger } from "../../store/run.ts";
import type { Store } from "../../store/store.ts";
import type { SyncResult } from "../../sync/index.ts";
import type { JobLog } from "../deps.ts";
import type { ResolveLocation } from "../drives/resolve-drive.ts";

/**
 * What the worker needs. Built once per cold start (functions/worker.ts, the dev stack). Its knobs
 * (attempts, intervals, margins) are `WorkerSettings`, passed apart.
 */
export interface WorkerDeps {
  readonly store: Store;
  readonly queue: Pick<SqsProducer, "send">;
  /** Opens the drive of a parsed location; `name` is the location redacted, for logs. */
  readonly openDrive: (location: Location, name: string, extras?: DriveExtras) => Drive | Promise<Drive>;
  /**
   * Resolves a `name:path` location through its drive (record and secrets, read at each run, so a
   * rotation is used by the next run). Absent: such a location ends the run as DRIVE_NOT_FOUND.
   */
  readonly resolveLocation?: ResolveLocation;
  readonly clock: () => Date;
  readonly log?: JobLog;
  /** Where each run's per-file report goes; none kept when absent. */
  readonly reports?: ReportUploader;
  /** Where each config's S3 listing memos are kept between runs; absent, every run HEADs its objects. */
  readonly listingMemos?: ListingMemos;
  /** Called once per finished run (SUCCESS, FAILURE, SKIPPED, CANCELLED): the worker turns it into metrics. */
  readonly onRunFinished?: (run: FinishedRun) => void;
}

/** A run that reached a final state, with its sync result when a sync ran. */
export interface FinishedRun {
  readonly config_id: string;
  readonly task_id: string;
  /** `preview`: a dry run of an unsaved config, no config's run (counted apart in metrics). */
  readonly trigger: RunTrigger;
  readonly status: FinishedStatus;
  readonly result?: SyncResult;
}

/** The invocation the job runs in: the time it has left, and an optional outside stop (SIGTERM locally). */
export interface JobContext {
  remainingTimeMs(): number;
  readonly signal?: AbortSignal;
}

/** What became of a message: the run's status after this delivery, or `duplicate` when it was a no-op. */
export interface JobOutcome {
  readonly task_id: string;
  readonly outcome: RunStatus | "duplicate";
}
