import { mkdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { CreateBucketCommand, HeadObjectCommand, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { CreateQueueCommand, SQSClient } from "@aws-sdk/client-sqs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startS3RequestCounter } from "../../test/support/drives/s3-request-counter.ts";
import { tempDir } from "../../test/support/temp-dir.ts";
import { startDynalite } from "../dev/emulators/dynalite.ts";
import { type LocalSqsS3, startLocalSqsS3 } from "../dev/emulators/fauxqs.ts";
import { driveFor } from "../drives/open-drive.ts";
import { s3ClientFor } from "../drives/s3/s3-client.ts";
import { createSqsProducer } from "../queue/sqs-producer.ts";
import { LISTING_MEMOS_PREFIX, listingMemosIn } from "../reports/listing-memos.ts";
import { createS3ReportReader } from "../reports/s3/s3-report-blobs.ts";
import { createS3ReportUploader } from "../reports/s3/s3-report-upload.ts";
import { newId } from "../store/ids.ts";
import { createDocumentClient, createStore, type Store } from "../store/store.ts";
import { newSyncConfig, SyncConfigInputSchema } from "../store/sync-config.ts";
import { ensureTable } from "../store/table.ts";
import { runSyncJob } from "./run-sync-job/run-sync-job.ts";
import type { WorkerDeps } from "./run-sync-job/types.ts";

const FILES = 5000;
const FOLDERS = 50;
const plenty = { remainingTimeMs: () => 15 * 60_000 };

let local: LocalSqsS3;
let counter: Awaited<ReturnType<typeof startS3RequestCounter>>;
let stopDb: () => Promise<void>;
let store: Store;
let sqs: SQSClient;
let s3: S3Client;
let queueUrl: string;
let source: string;

beforeAll(async () => {
  const [db, sqsS3] = await Promise.all([startDynalite(), startLocalSqsS3()]);
  local = sqsS3;
  stopDb = () => db.stop();
  const connection = { endpoint: db.endpoint, region: db.region, credentials: db.credentials };
  await ensureTable(new DynamoDBClient(connection), "memos");
  store = createStore({ client: createDocumentClient(connection), tableName: "memos" });
  sqs = new SQSClient({ endpoint: local.endpoint, region: local.region, credentials: local.credentials });
  queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: "memos" }))).QueueUrl!;
  s3 = s3ClientFor({ endpoint: local.endpoint, region: local.region, credentials: local.credentials });
  await s3.send(new CreateBucketCommand({ Bucket: "data" }));
  await s3.send(new CreateBucketCommand({ Bucket: "reports" }));
  counter = await startS3RequestCounter(local.endpoint);
  source = await tempDir("syncron-worker-memos-");
  for (let folder = 0; folder < FOLDERS; folder++) {
    await mkdir(join(source, `f${folder}`));
    await Promise.all(
      Array.from({ length: FILES / FOLDERS }, (_, i) =>
        writeFile(join(source, `f${folder}`, `${i}.txt`), `${folder}/${i}`),
      ),
    );
  }
}, 120_000);
afterAll(async () => {
  s3?.destroy();
  await Promise.all([counter?.stop(), local?.stop(), stopDb?.()]);
  await rm(source, { recursive: true, force: true });
});

/**
 * A worker as one cold start builds it: nothing kept in memory from an earlier one. Drives reach
 * S3 through the counting front; memos are kept in the reports bucket, as on AWS.
 */
const coldWorker = (): WorkerDeps => {
  const blobs = { client: s3, bucket: "reports", prefix: LISTING_MEMOS_PREFIX };
  return {
    store,
    queue: createSqsProducer({ client: sqs, queueUrl }),
    openDrive: (location, name, extras) =>
      driveFor(
        location,
        name,
        {
          AWS_ACCESS_KEY_ID: local.credentials.accessKeyId,
          AWS_SECRET_ACCESS_KEY: local.credentials.secretAccessKey,
        },
        extras,
      ),
    listingMemos: listingMemosIn({
      get: createS3ReportReader(blobs).get,
      put: createS3ReportUploader(blobs).put,
    }),
    clock: () => new Date(),
  };
};
const manual = (configId: string) =>
  ({ type: "sync.run", trigger: "manual", config_id: configId, task_id: newId() }) as const;

describe("runSyncJob keeps each config's S3 listing memo between worker runs", () => {
  it(`re-syncs ${FILES.toLocaleString("en")} unchanged objects in a new worker with ListObjectsV2 pages only`, async () => {
    const input = SyncConfigInputSchema.parse({
      name: "to-s3",
      source,
      target: `s3://data/backup?endpoint=${encodeURIComponent(counter.endpoint)}&region=${local.region}`,
      cron: "0 2 * * *",
      mode: "mirror",
    });
    const config = await store.configs.create(newSyncConfig(input, { id: newId(), now: new Date() }));

    const first = manual(config.id);
    expect(await runSyncJob(first, coldWorker(), plenty)).toMatchObject({ outcome: "SUCCESS" });
    expect((await store.runs.get(first.task_id))?.result).toMatchObject({ copied: FILES });
    const memo = await s3.send(
      new HeadObjectCommand({ Bucket: "reports", Key: `${LISTING_MEMOS_PREFIX}${config.id}/target.bin.gz` }),
    );
    expect(memo.ContentLength).toBeLessThan(FILES * 33); // at most 33 bytes an object, gzipped

    counter.reset();
    const second = manual(config.id);
    expect(await runSyncJob(second, coldWorker(), plenty)).toMatchObject({ outcome: "SUCCESS" });
    expect((await store.runs.get(second.task_id))?.result).toMatchObject({
      copied: 0,
      updated: 0,
      deleted: 0,
    });
    // The root and 50 folders, one page each; no HEAD, no write.
    expect(counter.counts).toEqual({ ListObjectsV2: FOLDERS + 1 });

    // An object overwritten behind syncron's back (a new ETag) is HEADed again, and only it.
    await s3.send(new PutObjectCommand({ Bucket: "data", Key: "backup/f3/7.txt", Body: "3/X" }));
    counter.reset();
    const third = manual(config.id);
    expect(await runSyncJob(third, coldWorker(), plenty)).toMatchObject({ outcome: "SUCCESS" });
    expect((await store.runs.get(third.task_id))?.result).toMatchObject({ updated: 1, copied: 0 });
    expect(counter.counts).toEqual({ ListObjectsV2: FOLDERS + 1, HeadObject: 1, PUT: 1 });
  }, 240_000);
});
