import { join, resolve } from "node:path";
import type { ApiDeps } from "../api/deps.ts";
import { createApiHandler } from "../api/handler.ts";
import { assertLocalAllowed, confineLocal, type LocalRoots, localRootsFrom } from "../drives/local-roots.ts";
import { parseLocation } from "../drives/location.ts";
import type { DriveExtras } from "../drives/open-drive.ts";
import { ENV } from "../env.ts";
import type { JobLog } from "../jobs/deps.ts";
import type { DriveDeps } from "../jobs/drives/deps.ts";
import { migrateConfigCredentials } from "../jobs/drives/migrate-credentials.ts";
import { createDriveResolver } from "../jobs/drives/resolve-drive.ts";
import { failDeadLetteredPartition } from "../jobs/fan-out/dead-lettered-partition.ts";
import { workerSettingsFromEnv } from "../jobs/run-sync-job/settings.ts";
import type { WorkerDeps } from "../jobs/run-sync-job/types.ts";
import { refreshSchedules } from "../jobs/schedule-sync.ts";
import { createWorkerHandler } from "../jobs/worker-handler.ts";
import { DEAD_LETTER_TIMEOUT_S } from "../queue/redrive.ts";
import { createSqsProducer } from "../queue/sqs-producer.ts";
import { listingMemosIn } from "../reports/listing-memos.ts";
import { createFileReportBlobs } from "../reports/local/file-report-blobs.ts";
import type { LocalScheduler } from "../schedule/local/local-scheduler.ts";
import type { Scheduler } from "../schedule/scheduler.ts";
import { createFileSecretStore, SECRET_FILE_NAME } from "../secrets/file/file-secret-store.ts";
import { newId } from "../store/ids.ts";
import { createStore } from "../store/store.ts";
import { lockDataDir } from "./data-dir-lock.ts";
import { startDeadLetterConsumer } from "./dead-letters.ts";
import { type BackendSettings, connectBackends, type DevBackends } from "./dev-backends.ts";
import { createDevClock } from "./dev-clock.ts";
import { startHttpServer } from "./http-server.ts";
import { startPoller } from "./poller.ts";
import { keepPrivate, makePrivate } from "./private-dir.ts";
import { resumeUnfinishedRuns } from "./resume-runs.ts";
import { removeStalePartials } from "./stale-partials.ts";
import { webAssetsDir } from "./web-assets.ts";

export interface DevStackOptions {
  /** HTTP port on `host` (default 8000; 0 = a free one). */
  readonly port?: number;
  /** Address the HTTP API listens on (default 127.0.0.1). The emulators always listen on 127.0.0.1. */
  readonly host?: string;
  /** Pinned emulator ports: S3 and SQS on this one, DynamoDB on the next (default: free ones). */
  readonly emulatorPort?: number;
  /** Where dynalite keeps its tables (default `.syncron`). */
  readonly dataDir?: string;
  /** Local emulators (default) or real endpoints (`--aws`). */
  readonly backends?: BackendSettings;
  /** Start the stack's clock at this instant (tests only; it then runs at real speed). */
  readonly clockStart?: Date;
  /** Worker invocation timeout, as the Lambda's (default 15 min). */
  readonly invocationTimeoutMs?: number;
  /** Worker batches at once (default 2). */
  readonly concurrency?: number;
  readonly apiToken?: string | undefined;
  /** The time zone of new configs that name none (`SYNCRON_DEFAULT_TIMEZONE`); default UTC. */
  readonly defaultTimezone?: string | undefined;
  /** Folders local locations may lie in, for the API and the worker (default: the current folder). */
  readonly localRoots?: LocalRoots;
  /** Environment for drive credentials (default process.env). */
  readonly env?: Record<string, string | undefined>;
  readonly log: JobLog;
}

export interface DevStack {
  readonly url: string;
  readonly port: number;
  readonly dataDir: string;
  readonly backends: DevBackends;
  readonly scheduleBackend: string;
  /** Folders local locations may lie in. */
  readonly localRoots: LocalRoots;
  /** Stops timers and polling, aborts running syncs (they checkpoint), waits for them, closes everything. */
  stop(): Promise<void>;
}

/**
 * The whole serverless core in this process, the way it runs on AWS: the API handler behind an
 * HTTP server (API Gateway v2 events), the worker handler fed by an SQS poller, schedules firing
 * into the queue. On start, the local scheduler is rebuilt from the stored enabled configs and
 * every unfinished run is sent again (the local queue is in memory). Missed fires are not replayed:
 * a schedule next fires at its first instant after the start, as EventBridge Scheduler does
 * (no catch-up).
 */
export async function startDevStack(options: DevStackOptions): Promise<DevStack> {
  const { log } = options;
  const dataDir = resolve(options.dataDir ?? ".syncron");
  // Configs, secrets included, live here: private to this user (0700 folders, 0600 files).
  await makePrivate(dataDir);
  const clock = createDevClock(options.clockStart);
  const local = options.backends === undefined || options.backends.kind === "local";
  const unlock = local ? await lockDataDir(dataDir) : async () => undefined;
  let backends: DevBackends;
  try {
    backends = await connectBackends(
      options.backends ?? { kind: "local", dataDir, emulatorPort: options.emulatorPort },
      {
        clock,
        log,
        send: (message) => producer.send(message),
      },
    );
  } catch (error) {
    await unlock();
    throw error;
  }
  // dynalite has created its files with the process umask: tighten them, and the ones it makes later.
  await makePrivate(dataDir);
  const stopKeeping = keepPrivate(join(dataDir, "dynamodb"));
  let stopWorker = async (): Promise<void> => undefined;
  const producer = createSqsProducer({
    client: backends.sqs,
    queueUrl: backends.queues.queueUrl,
    dlqUrl: backends.queues.dlqUrl,
  });
  try {
    const store = createStore({
      client: backends.documentClient,
      tableName: backends.tableName,
      now: clock.date,
    });
    const { scheduler } = backends;

    if (scheduler.backend === "local") {
      const result = await refreshSchedules(store.configs, scheduler, clock.date());
      log("info", "schedules rebuilt from the store", { ...result, errors: result.errors.length });
    }

    const env = options.env ?? process.env;
    const localRoots = options.localRoots ?? devLocalRoots(undefined);
    // Per-file run reports stay in the data folder, also with --aws.
    const reports = createFileReportBlobs(join(dataDir, "reports"));
    // Drive secrets: a 0600 file of their own in the data folder, never in the emulated DynamoDB.
    const drives: DriveDeps = {
      records: store.drives,
      secrets: createFileSecretStore({ path: join(dataDir, SECRET_FILE_NAME) }),
      // The API's drive checks and listings obey the local roots as runs do (a symlink swapped since).
      open: confineLocal((location, name: string) => backends.openDrive(location, name, env), localRoots),
    };
    const workerDeps: WorkerDeps = {
      reports,
      // What each config's last run learnt of its S3 listings, beside the reports.
      listingMemos: listingMemosIn(createFileReportBlobs(join(dataDir, "listing-memos"))),
      store,
      resolveLocation: createDriveResolver(drives),
      queue: producer,
      openDrive: confineLocal(
        (location, name: string, extras?: DriveExtras) => backends.openDrive(location, name, env, extras),
        localRoots,
      ),
      clock: clock.date,
      log,
    };
    // Configs stored with credentials in their URLs (before drives): credentials into drives, configs to name:path.
    await migrateConfigCredentials({ configs: store.configs, drives, log });
    const unfinished = await store.runs.listUnfinished();
    for (const configId of new Set(unfinished.map((run) => run.config_id))) {
      const config = await store.configs.get(configId);
      const removed =
        config && allowedTarget(config.target, localRoots) ? await removeStalePartials(config.target) : 0;
      if (removed > 0) log("info", "stale temporary files removed", { config_id: configId, count: removed });
    }
    await resumeUnfinishedRuns(store.runs, producer, log);

    const poller = startPoller({
      sqs: backends.sqs,
      queueUrl: backends.queues.queueUrl,
      queueArn: backends.queues.queueArn,
      handler: createWorkerHandler(workerDeps, workerSettingsFromEnv(env)),
      concurrency: options.concurrency ?? 2,
      invocationTimeoutMs: options.invocationTimeoutMs ?? 15 * 60_000,
      log,
    });
    // The dead-letter queue's consumer, as on AWS (functions/dead-letter.ts).
    const deadLetters = startDeadLetterConsumer({
      sqs: backends.sqs,
      queues: backends.queues,
      deps: {
        runs: store.runs,
        configs: store.configs,
        leases: store.leases,
        clock: clock.date,
        failPartition: (message, reason, options) =>
          failDeadLetteredPartition(
            message,
            reason,
            workerDeps,
            { remainingTimeMs: () => DEAD_LETTER_TIMEOUT_S * 1000 },
            options,
          ),
      },
      log,
    });
    stopWorker = async () => {
      // Order matters: no new fires, then running syncs checkpoint, then the fires in flight land.
      if (isLocal(scheduler)) scheduler.stop();
      await Promise.all([poller.stop(), deadLetters.stop()]);
      if (isLocal(scheduler)) await scheduler.idle();
    };

    const apiDeps: ApiDeps = {
      reports,
      drives,
      configs: store.configs,
      runs: store.runs,
      leases: store.leases,
      scheduler,
      queue: producer,
      clock: clock.date,
      newId: () => newId(clock.now()),
      log,
      apiToken: options.apiToken,
      localRoots,
      defaultTimezone: options.defaultTimezone,
    };
    const http = await startHttpServer({
      handler: createApiHandler(apiDeps),
      port: options.port ?? 8000,
      ...(options.host ? { host: options.host } : {}),
      onError: (error) => log("error", "request failed", { error: String(error) }),
      webRoot: webAssetsDir(),
    });
    let stopping: Promise<void> | undefined;
    return {
      url: http.url,
      port: http.port,
      dataDir,
      backends,
      scheduleBackend: scheduler.backend,
      localRoots,
      stop: () => {
        stopping ??= (async () => {
          await Promise.all([stopWorker(), http.stop()]);
          await backends.close();
          stopKeeping();
          await makePrivate(dataDir);
          await unlock();
        })();
        return stopping;
      },
    };
  } catch (error) {
    await stopWorker().catch(() => undefined);
    await backends.close().catch(() => undefined);
    stopKeeping();
    await unlock();
    throw error;
  }
}

/** syncron dev's allowed roots: SYNCRON_LOCAL_ROOTS, else the folder it runs in. */
export const devLocalRoots = (value: string | undefined, cwd: string = process.cwd()): LocalRoots =>
  localRootsFrom(
    value,
    {
      roots: [cwd],
      rule: `syncron dev's default, the folder it runs in; set ${ENV.localRoots} to change it`,
    },
    cwd,
  );

/** Whether a stored target is one this stack may touch (a config stored before the roots applied may not be). */
const allowedTarget = (target: string, roots: LocalRoots): boolean => {
  try {
    const parsed = parseLocation(target);
    if (parsed.kind === "local") assertLocalAllowed(parsed.root, roots);
    return true;
  } catch {
    return false;
  }
};

const isLocal = (scheduler: Scheduler): scheduler is LocalScheduler => scheduler.backend === "local";
