import { join } from "node:path";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { SQSClient } from "@aws-sdk/client-sqs";
import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { driveFor } from "../drives/open-drive.ts";
import type { JobLog } from "../jobs/deps.ts";
import type { ScheduleMessage } from "../queue/message.ts";
import { createAwsScheduler } from "../schedule/aws-scheduler.ts";
import { createLocalScheduler } from "../schedule/local/local-scheduler.ts";
import type { Scheduler, SchedulerBackend } from "../schedule/scheduler.ts";
import { createScheduleRecordRepository } from "../store/schedule-records.ts";
import { createDocumentClient } from "../store/store.ts";
import { ensureTable } from "../store/table.ts";
import type { DevClock } from "./dev-clock.ts";
import { devOpenDrive, type OpenDrive } from "./dev-drives.ts";
import { startDynalite } from "./emulators/dynalite.ts";
import { startLocalSqsS3 } from "./emulators/fauxqs.ts";
import { provisionSchedules } from "./provision-schedules.ts";
import { ensureScheduleDlq, ensureSyncQueues, findQueue, findSyncQueues, type SyncQueues } from "./queues.ts";

/** Names the local stack gives its table and queues (and `--aws` defaults to). */
export const DEV_NAMES = {
  table: "syncron",
  queue: "syncron-sync",
  dlq: "syncron-sync-dlq",
  scheduleDlq: "syncron-schedule-dlq",
} as const;

export type BackendSettings =
  | {
      readonly kind: "local";
      readonly dataDir: string;
      /** Pinned emulator ports: S3 and SQS (fauxqs) on this one, DynamoDB (dynalite) on the next; default free ones. */
      readonly emulatorPort?: number | undefined;
    }
  | {
      readonly kind: "aws";
      readonly tableName: string;
      readonly queueName: string;
      readonly dlqName: string;
      readonly scheduleBackend: SchedulerBackend;
      /** Schedule group (eventbridge-scheduler) or rule name prefix (eventbridge-rules). */
      readonly scheduleGroup: string;
      readonly schedulerRoleArn?: string | undefined;
      /** The schedule dead-letter queue (eventbridge-scheduler and -rules): undeliverable fires go there. */
      readonly scheduleDlqName: string;
      /**
       * Create what is missing (LocalStack, moto): the table, the queues, and for the schedule backend
       * the schedule group or the queues' policies. On AWS infra owns them.
       */
      readonly create: boolean;
    };

/** Where the stack's data and messages live, and the scheduler that fires into the queue. */
export interface DevBackends {
  readonly kind: "local" | "aws";
  readonly sqs: SQSClient;
  readonly documentClient: DynamoDBDocumentClient;
  readonly tableName: string;
  readonly queues: SyncQueues;
  readonly scheduler: Scheduler;
  /** The local S3 and SQS endpoint (fauxqs), when local. */
  readonly s3Endpoint?: string;
  /** The local DynamoDB endpoint (dynalite), when local. */
  readonly dynamoDbEndpoint?: string;
  readonly openDrive: OpenDrive;
  close(): Promise<void>;
}

interface Wiring {
  readonly clock: DevClock;
  readonly log: JobLog;
  /** Where schedule fires go (the SQS producer). */
  readonly send: (message: ScheduleMessage) => Promise<unknown>;
}

const localScheduler = ({ clock, log, send }: Wiring) =>
  createLocalScheduler({
    clock,
    send: async (message) => {
      log("info", "schedule fired", { config_id: message.config_id, scheduled_time: message.scheduled_time });
      await send(message);
    },
    onError: (error, message) =>
      log("error", "schedule fire not sent", { config_id: message.config_id, error: String(error) }),
  });

/** Starts dynalite (on disk under `dataDir/dynamodb`) and fauxqs (SQS + DLQ with redrive, S3) in this process. */
async function localBackends(
  { dataDir, emulatorPort }: Extract<BackendSettings, { kind: "local" }>,
  wiring: Wiring,
): Promise<DevBackends> {
  // Both on 127.0.0.1 whatever --host says: they have no auth and hold the configs, secrets included.
  const started = await Promise.allSettled([
    startDynalite({ path: join(dataDir, "dynamodb"), ...(emulatorPort ? { port: emulatorPort + 1 } : {}) }),
    startLocalSqsS3(emulatorPort ? { port: emulatorPort } : {}),
  ] as const);
  const [dynamoStart, sqsS3Start] = started;
  if (dynamoStart.status === "rejected" || sqsS3Start.status === "rejected") {
    // The one that did start would keep listening and hold the process open after the failed start.
    await Promise.all(started.map((s) => (s.status === "fulfilled" ? s.value.stop() : undefined)));
    throw dynamoStart.status === "rejected"
      ? dynamoStart.reason
      : (sqsS3Start as PromiseRejectedResult).reason;
  }
  const [dynamo, sqsS3] = [dynamoStart.value, sqsS3Start.value];
  const endpoint = (local: typeof dynamo | typeof sqsS3) => ({
    endpoint: local.endpoint,
    region: local.region,
    credentials: local.credentials,
  });
  const raw = new DynamoDBClient(endpoint(dynamo));
  const documentClient = createDocumentClient(endpoint(dynamo));
  const sqs = new SQSClient(endpoint(sqsS3));
  const close = async () => {
    raw.destroy();
    documentClient.destroy();
    sqs.destroy();
    await Promise.all([dynamo.stop(), sqsS3.stop()]);
  };
  try {
    await ensureTable(raw, DEV_NAMES.table);
    const queues = await ensureSyncQueues(sqs, DEV_NAMES);
    return {
      kind: "local",
      sqs,
      documentClient,
      tableName: DEV_NAMES.table,
      queues,
      scheduler: localScheduler(wiring),
      s3Endpoint: sqsS3.endpoint,
      dynamoDbEndpoint: dynamo.endpoint,
      openDrive: devOpenDrive(sqsS3),
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

/**
 * Real endpoints: the SDK's own resolution (AWS_REGION, AWS_ENDPOINT_URL[_<SERVICE>], the
 * credential chain), so LocalStack and AWS work alike.
 */
async function awsBackends(
  settings: Extract<BackendSettings, { kind: "aws" }>,
  wiring: Wiring,
): Promise<DevBackends> {
  const raw = new DynamoDBClient({});
  const documentClient = createDocumentClient({});
  const sqs = new SQSClient({});
  const clients: { destroy(): void }[] = [raw, documentClient, sqs];
  const close = async () => {
    for (const client of clients) client.destroy();
  };
  try {
    const names = { queue: settings.queueName, dlq: settings.dlqName };
    if (settings.create) await ensureTable(raw, settings.tableName);
    const queues = settings.create ? await ensureSyncQueues(sqs, names) : await findSyncQueues(sqs, names);
    let scheduler: Scheduler;
    if (settings.scheduleBackend === "local") scheduler = localScheduler(wiring);
    else {
      const scheduleDlq = settings.create
        ? await ensureScheduleDlq(sqs, settings.scheduleDlqName)
        : await findQueue(sqs, settings.scheduleDlqName);
      if (settings.create) {
        await provisionSchedules({
          backend: settings.scheduleBackend,
          group: settings.scheduleGroup,
          sqs,
          queues: [{ url: queues.queueUrl, arn: queues.queueArn }, scheduleDlq],
        });
      }
      // Same schedule and rule names, retry policy and dead-letter queue as the deployed API (functions/api.ts).
      const aws = createAwsScheduler({
        backend: settings.scheduleBackend,
        group: settings.scheduleGroup,
        queueArn: queues.queueArn,
        roleArn: settings.schedulerRoleArn,
        deadLetterArn: scheduleDlq.arn,
        records: createScheduleRecordRepository({ client: documentClient, tableName: settings.tableName }),
        onRecordsError: (action, error) =>
          wiring.log("warn", `schedule records: could not ${action}`, { error: String(error) }),
      });
      clients.push(aws);
      scheduler = aws.scheduler;
    }
    return {
      kind: "aws",
      sqs,
      documentClient,
      tableName: settings.tableName,
      queues,
      scheduler,
      openDrive: driveFor,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

/** Connects the stack to its store, queues and schedule backend. */
export function connectBackends(settings: BackendSettings, wiring: Wiring): Promise<DevBackends> {
  return settings.kind === "local" ? localBackends(settings, wiring) : awsBackends(settings, wiring);
}
