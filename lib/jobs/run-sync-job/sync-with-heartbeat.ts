import { under } from "../../drives/subtree.ts";
import { createReportWriter, type ReportWriter } from "../../reports/report-writer.ts";
import type { Run } from "../../store/run.ts";
import { type SyncOptions, type SyncResult, syncDrives } from "../../sync/index.ts";
import type { JobLog } from "../deps.ts";
import { limitedByConfig } from "./config-limit.ts";
import { isPreview, type Runnable } from "./guards.ts";
import { startHeartbeat } from "./heartbeat.ts";
import { loadRunMemos } from "./listing-memos.ts";
import { syncOptionsOf } from "./options.ts";
import type { WorkerSettings } from "./settings.ts";
import type { JobContext, WorkerDeps } from "./types.ts";

/**
 * One folder of a run fanned out across workers (lib/jobs/fan-out): the sync keeps to it, defers its
 * deletes, hands folders over, and resumes from the partition's own checkpoint.
 */
export interface SyncScope {
  /** Relative to the run's roots; `""` is the root. */
  readonly path: string;
  readonly checkpoint: unknown;
  readonly handOff: NonNullable<SyncOptions["handOff"]>;
}

const prefixed = (path: string, prefix: string) => (prefix === "" ? path : `${prefix}/${path}`);

/**
 * One invocation's sync of a run (or, with `scope`, of one partition of it), with its heartbeat
 * (progress, lease, cancel), its S3 listing memos (not for a partition: partitions of one run would
 * race on them) and one part of the run's per-file report (paths relative to the run's roots).
 */
export async function syncWithHeartbeat(
  { config, source, target }: Runnable,
  run: Run,
  deps: WorkerDeps,
  context: JobContext,
  settings: WorkerSettings,
  log: JobLog,
  scope?: SyncScope,
): Promise<{ result: SyncResult; cancelled: boolean }> {
  const heartbeat = startHeartbeat(run, deps, settings);
  const locations = { source: source.location, target: target.location };
  // A preview's config is never stored: no memo is read or kept for it.
  const memos = await loadRunMemos(isPreview(run) || scope ? {} : deps, config.id, locations, log);
  const [whole, wholeTarget] = limitedByConfig(
    config,
    await Promise.all([
      // A source is only read: its drive writes nothing there, not even a probe file.
      deps.openDrive({ ...source.location, readOnly: true }, source.name, memos.source),
      // A preview is a dry run: its target is only read, like any source.
      deps.openDrive(
        isPreview(run) ? { ...target.location, readOnly: true } : target.location,
        target.name,
        memos.target,
      ),
    ]),
  );
  const [from, to] = scope
    ? [under(whole, scope.path), under(wholeTarget, scope.path)]
    : [whole, wholeTarget];
  // Each invocation of a run (or of a partition) writes one part of its per-file report.
  const report = deps.reports && createReportWriter(deps.reports, run.task_id, deps.clock());
  let result: SyncResult | undefined;
  try {
    const asRun = scope ? { ...run, checkpoint: scope.checkpoint ?? null } : run;
    const base = syncOptionsOf(config, asRun, context, settings, heartbeat.onProgress, heartbeat.cancelled);
    const options: SyncOptions = scope ? { ...base, deferDeletes: true, handOff: scope.handOff } : base;
    const onItem: SyncOptions["onItem"] =
      report &&
      (scope ? (item) => report.add({ ...item, path: prefixed(item.path, scope.path) }) : report.add);
    result = await syncDrives(from, to, onItem ? { ...options, onItem } : options);
    await heartbeat.settled();
    // Stopped by the cancel (not merely seen after the sync's end): the run ends CANCELLED.
    return { result, cancelled: heartbeat.cancelled.aborted && result.interrupted === true };
  } finally {
    // A run that listed the whole tree saves only what it saw: deleted objects drop out of the memo.
    const complete = result?.status === "SUCCESS" && !result.interrupted;
    await Promise.all([
      from.close?.(),
      to.close?.(),
      report && storeReport(report, log),
      memos.save(complete),
    ]);
  }
}

/** A report that cannot be stored is logged with its cause; the sync it describes stands. */
async function storeReport(report: ReportWriter, log: JobLog): Promise<void> {
  try {
    const { items, key } = await report.close();
    log("info", "run report stored", { items, key });
  } catch (error) {
    log("error", "run report not stored", { error: String(error) });
  }
}
