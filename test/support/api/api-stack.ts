import { rm } from "node:fs/promises";
import { join } from "node:path";
import { DeleteTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { CreateQueueCommand, DeleteQueueCommand, SQSClient } from "@aws-sdk/client-sqs";
import type { ApiDeps } from "../../../lib/api/deps.ts";
import { type ApiHandler, createApiHandler } from "../../../lib/api/handler.ts";
import type { LocalRoots } from "../../../lib/drives/local-roots.ts";
import { confineLocal } from "../../../lib/drives/local-roots.ts";
import { driveFor } from "../../../lib/drives/open-drive.ts";
import type { JobLog } from "../../../lib/jobs/deps.ts";
import { createSqsProducer } from "../../../lib/queue/sqs-producer.ts";
import { createFileReportBlobs } from "../../../lib/reports/local/file-report-blobs.ts";
import type { ReportBlobs } from "../../../lib/reports/report-blobs.ts";
import { SchedulerError } from "../../../lib/schedule/errors.ts";
import { createEventBridgeRulesScheduler } from "../../../lib/schedule/eventbridge-rules/eventbridge-rules.ts";
import { createEventBridgeScheduler } from "../../../lib/schedule/eventbridge-scheduler/eventbridge-scheduler.ts";
import { createManualClock } from "../../../lib/schedule/local/clock.ts";
import { createLocalScheduler } from "../../../lib/schedule/local/local-scheduler.ts";
import type { Scheduler, ScheduleSpec } from "../../../lib/schedule/scheduler.ts";
import { createFileSecretStore, SECRET_FILE_NAME } from "../../../lib/secrets/file/file-secret-store.ts";
import { newId } from "../../../lib/store/ids.ts";
import { createDocumentClient, createStore, type Store } from "../../../lib/store/store.ts";
import { ensureTable } from "../../../lib/store/table.ts";
import { type LocalEndpoint, sharedEmulators, uniqueName } from "../emulators/shared-emulators.ts";
import { fakeRulesApi } from "../schedule/fake-rules-api.ts";
import { fakeSchedulerApi } from "../schedule/fake-scheduler-api.ts";
import { tempDir } from "../temp-dir.ts";
import { type ApiEventInput, apiEvent, parseResult } from "./api-event.ts";
import { assertDocumentedReply } from "./openapi-check.ts";

/** The API over real emulators: dynalite (store), fauxqs (queue and dead-letter queue), and a scheduler. */
export interface ApiStack {
  readonly handler: ApiHandler;
  readonly deps: ApiDeps;
  readonly store: Store;
  readonly scheduler: Scheduler;
  readonly sqs: SQSClient;
  readonly queueUrl: string;
  readonly dlqUrl: string;
  /** The secret file of the drives (a temp folder of its own). */
  readonly secretFile: string;
  /** Where runs' per-file reports go (a folder beside the secret file): a worker writes, the API reads. */
  readonly reports: ReportBlobs;
  /** Log lines the use cases wrote. */
  readonly logs: { level: string; message: string; data?: Record<string, unknown> }[];
  /** Moves the clock forward (timestamps, next runs; fires due schedules of the local backend). */
  setNow(date: Date): void;
  /** Resolves when the local backend's fires so far have been sent. */
  idle(): Promise<void>;
  /** Stops the stack's own DynamoDB (dynalite; needs `ownStore`), for outages: the store's calls fail from then on. */
  stopStore(): Promise<void>;
  /** Sends one request through the handler and parses the reply. */
  call(input: ApiEventInput): Promise<ReturnType<typeof parseResult>>;
  stop(): Promise<void>;
}

export interface ApiStackOptions {
  readonly apiToken?: string;
  /** Default eventbridge-scheduler, over its in-memory fake (aws-sdk-client-mock). */
  readonly backend?: "eventbridge-scheduler" | "eventbridge-rules" | "local";
  /** Wraps the scheduler (e.g. to inject failures). Default: EventBridge Scheduler over its in-memory fake. */
  readonly scheduler?: (scheduler: Scheduler) => Scheduler;
  readonly now?: Date;
  /** Folders local locations may lie in (default: any folder). */
  readonly localRoots?: LocalRoots;
  /** The deployment's default time zone (`SYNCRON_DEFAULT_TIMEZONE`); default none (UTC). */
  readonly defaultTimezone?: string;
  /**
   * A dynalite of the stack's own, which `stopStore` may stop. Default: the integration tier's shared
   * emulators (test/support/emulators), with a table and queues named for this stack alone.
   */
  readonly ownStore?: boolean;
}

export async function startApiStack(options: ApiStackOptions = {}): Promise<ApiStack> {
  const shared = sharedEmulators();
  const own = options.ownStore
    ? await (await import("../../../lib/dev/emulators/dynalite.ts")).startDynalite()
    : undefined;
  const dynamo = own ?? shared.dynamo;
  const endpoint = (local: LocalEndpoint) => ({
    endpoint: local.endpoint,
    region: local.region,
    credentials: local.credentials,
  });
  const tableName = uniqueName("syncron-api");
  const raw = new DynamoDBClient(endpoint(dynamo));
  await ensureTable(raw, tableName);
  const sqs = new SQSClient(endpoint(shared.sqsS3));
  const queueName = uniqueName("sync");
  const [queueUrl, dlqUrl] = await Promise.all(
    [queueName, `${queueName}-dlq`].map(
      async (name) => (await sqs.send(new CreateQueueCommand({ QueueName: name }))).QueueUrl!,
    ),
  );
  // One clock for the API and the local scheduler: moving it forward fires due local schedules.
  const manual = createManualClock(options.now ?? new Date("2026-11-28T22:00:00.000Z"));
  const clock = () => new Date(manual.now());
  const doc = createDocumentClient(endpoint(dynamo));
  const store = createStore({ client: doc, tableName, now: clock });
  const queueArn = "arn:aws:sqs:us-east-1:123456789012:sync";
  const queue = createSqsProducer({ client: sqs, queueUrl: queueUrl!, dlqUrl: dlqUrl! });
  const local =
    options.backend === "local"
      ? createLocalScheduler({ send: (message) => queue.send(message), clock: manual })
      : undefined;
  const baseScheduler = local
    ? local
    : options.backend === "eventbridge-rules"
      ? createEventBridgeRulesScheduler({ client: fakeRulesApi().client, queueArn })
      : createEventBridgeScheduler({
          client: fakeSchedulerApi().client,
          groupName: "syncron-test",
          queueArn,
          roleArn: "arn:aws:iam::123456789012:role/scheduler",
        });
  const scheduler = options.scheduler ? options.scheduler(baseScheduler) : baseScheduler;
  const logs: ApiStack["logs"] = [];
  const log: JobLog = (level, message, data) => {
    logs.push({ level, message, ...(data === undefined ? {} : { data }) });
  };
  const secretsDir = await tempDir("syncron-api-secrets-");
  const secrets = createFileSecretStore({ path: join(secretsDir, SECRET_FILE_NAME) });
  const reports = createFileReportBlobs(join(secretsDir, "reports"));
  const localRoots = options.localRoots ?? { roots: ["/"], rule: "the test stack allows any folder" };
  const deps: ApiDeps = {
    // Confined to the local roots, as functions/api.ts and the dev stack open drives.
    drives: {
      records: store.drives,
      secrets,
      open: confineLocal((location, name: string) => driveFor(location, name, {}), localRoots),
    },
    configs: store.configs,
    runs: store.runs,
    leases: store.leases,
    scheduler,
    queue,
    clock,
    newId: () => newId(),
    log,
    reports,
    apiToken: options.apiToken,
    localRoots,
    defaultTimezone: options.defaultTimezone,
  };
  const handler = createApiHandler(deps);
  return {
    handler,
    deps,
    store,
    secretFile: join(secretsDir, SECRET_FILE_NAME),
    reports,
    scheduler,
    sqs,
    queueUrl: queueUrl!,
    dlqUrl: dlqUrl!,
    logs,
    setNow: (date) => {
      const ms = date.getTime() - manual.now();
      if (ms < 0) throw new RangeError("the test clock only moves forward");
      manual.advance(ms);
    },
    idle: async () => {
      await local?.idle();
    },
    stopStore: async () => {
      if (!own) throw new Error("stopStore needs startApiStack({ ownStore: true })");
      await own.stop();
    },
    call: async (input) => {
      const reply = parseResult(await handler(apiEvent(input)));
      // Every reply a test receives is checked against GET /openapi.json's schema for its route and status.
      assertDocumentedReply(input.method ?? "GET", input.path ?? "/", reply.status, reply.body);
      return reply;
    },
    stop: async () => {
      local?.stop();
      // The shared emulators outlive the stack: leave them as they were found.
      if (own) await own.stop();
      else await raw.send(new DeleteTableCommand({ TableName: tableName }));
      await Promise.all([queueUrl, dlqUrl].map((url) => sqs.send(new DeleteQueueCommand({ QueueUrl: url }))));
      await rm(secretsDir, { recursive: true, force: true });
      raw.destroy();
      doc.destroy();
      sqs.destroy();
    },
  };
}

/**
 * A scheduler that fails with SchedulerError on demand: every call while `failing` is true, only
 * the mutating ones (upsert, remove) while `failingWrites` is true. To show that a config write
 * survives a scheduler outage, that refresh-tasks repairs it, and how refresh reports failures.
 */
export function flakyScheduler(inner: Scheduler): Scheduler & { failing: boolean; failingWrites: boolean } {
  const outage = async (): Promise<never> => {
    throw new SchedulerError("scheduler unavailable (injected)", { retryable: true });
  };
  const flaky = {
    failing: false,
    failingWrites: false,
    backend: inner.backend,
    check: (spec: ScheduleSpec) => inner.check(spec),
    plan: (spec: ScheduleSpec) => inner.plan(spec),
    upsert: (spec: ScheduleSpec) => (flaky.failing || flaky.failingWrites ? outage() : inner.upsert(spec)),
    remove: (configId: string) => (flaky.failing || flaky.failingWrites ? outage() : inner.remove(configId)),
    list: () => (flaky.failing ? outage() : inner.list()),
  };
  return flaky;
}
