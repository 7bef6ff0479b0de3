import { rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  type LocalEndpoint,
  sharedEmulators,
  uniqueName,
} from "../../test/support/emulators/shared-emulators.ts";
import { refusedAddress } from "../../test/support/net/refused-address.ts";
import { tempDir } from "../../test/support/temp-dir.ts";
import { driveFor } from "../drives/open-drive.ts";
import type { QueueMessage, SyncRunMessage } from "../queue/message.ts";
import { newId } from "../store/ids.ts";
import { createDocumentClient, createStore, type Store } from "../store/store.ts";
import { newSyncConfig, type SyncConfig, SyncConfigInputSchema } from "../store/sync-config.ts";
import { ensureTable } from "../store/table.ts";
import { runSyncJob } from "./run-sync-job/run-sync-job.ts";
import type { WorkerDeps } from "./run-sync-job/types.ts";

/** How a run ends when its target fails: transient faults go to RETRY with backoff, permanent ones end it. */

const now = new Date("2026-11-28T22:00:00.000Z");
const plenty = { remainingTimeMs: () => 15 * 60_000 };
/** The sync engine's own in-run retries, shortened so each attempt gives up in milliseconds. */
const quick = { maxAttempts: 5 };
let dynamo: LocalEndpoint;
let store: Store;
let source: string;
const servers: Server[] = [];

/** A real HTTP server on 127.0.0.1 that answers every request with `status`. */
async function serverAnswering(status: number): Promise<string> {
  const server = createServer((request, response) => {
    request.resume();
    response.writeHead(status, { "content-type": "text/plain", "retry-after": "1" });
    response.end(`${status} from the test server`);
  });
  servers.push(server);
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  return `webdav://127.0.0.1:${(server.address() as AddressInfo).port}/backup`;
}

/** A WebDAV target whose every connection is refused. */
const refusingTarget = async (): Promise<string> => `webdav://${await refusedAddress()}/backup`;

beforeAll(async () => {
  dynamo = sharedEmulators().dynamo;
  source = await tempDir("syncron-retries-");
  await writeFile(join(source, "a.txt"), "alpha");
  await writeFile(join(source, "b.txt"), "bravo");
});

afterAll(async () => {
  await Promise.all(servers.map((server) => new Promise((done) => server.close(done))));
  await rm(source, { recursive: true, force: true });
});

beforeEach(async () => {
  const connection = { endpoint: dynamo.endpoint, region: dynamo.region, credentials: dynamo.credentials };
  const tableName = uniqueName("retries");
  await ensureTable(new DynamoDBClient(connection), tableName);
  store = createStore({ client: createDocumentClient(connection), tableName, now: () => now });
});

/** The worker's deps with the production drive opener and a queue that keeps what was sent. */
function worker() {
  const sent: { message: QueueMessage; delaySeconds: number | undefined }[] = [];
  const deps: WorkerDeps = {
    store,
    queue: {
      send: async (message, options) => {
        sent.push({ message, delaySeconds: options?.delaySeconds });
        return "message-id";
      },
    },
    openDrive: (location, name) => driveFor(location, name, {}),
    clock: () => now,
  };
  return { deps, sent };
}

const givenConfig = (target: string): Promise<SyncConfig> => {
  const input = SyncConfigInputSchema.parse({ name: "docs", source, target, cron: "0 2 * * *" });
  return store.configs.create(newSyncConfig(input, { id: newId(), now }));
};

const fire = (config: SyncConfig): SyncRunMessage => ({
  type: "sync.run",
  trigger: "schedule",
  config_id: config.id,
  scheduled_time: "2026-11-29T02:00:00Z",
});

describe("runSyncJob: transient faults of a drive", () => {
  for (const [what, target] of [
    ["answers 503", () => serverAnswering(503)],
    ["refuses connections", refusingTarget],
  ] as const) {
    it(`retries with backoff a run whose target ${what}, and gives up after 5 attempts`, async () => {
      const config = await givenConfig(await target());
      const { deps, sent } = worker();

      const first = await runSyncJob(fire(config), deps, plenty, quick);
      expect(first.outcome).toBe("RETRY");
      const run = await store.runs.get(first.task_id);
      expect(run).toMatchObject({ status: "RETRY", attempts: 1, error: { code: "RETRYABLE_ERROR" } });
      expect(sent).toEqual([{ message: fire(config), delaySeconds: expect.any(Number) }]);
      expect(sent[0]?.delaySeconds).toBeGreaterThanOrEqual(5);
      expect(await store.leases.get(config.id)).toBeUndefined();

      for (let attempt = 2; attempt <= 4; attempt++) {
        expect((await runSyncJob(fire(config), deps, plenty, quick)).outcome).toBe("RETRY");
      }
      // The backoff grows: 10 s, 20 s, 40 s, 80 s (± jitter).
      const delays = sent.map((s) => s.delaySeconds ?? 0);
      expect(delays[3]).toBeGreaterThan(delays[0]!);

      const last = await runSyncJob(fire(config), deps, plenty, quick);
      expect(last.outcome).toBe("FAILURE");
      expect(await store.runs.get(first.task_id)).toMatchObject({
        status: "FAILURE",
        attempts: 5,
        error: { code: "RETRIES_EXHAUSTED" },
      });
      expect(sent).toHaveLength(4);
      expect((await store.configs.get(config.id))?.last_run?.status).toBe("FAILURE");
    });
  }

  it("retries a run whose S3 endpoint refuses connections, and one whose WebDAV source answers 503", async () => {
    const closed = await refusedAddress();
    for (const [from, to] of [
      [source, `s3://AKIDTEST:secret@backup/docs?endpoint=http://${closed}&region=us-east-1`],
      [await serverAnswering(503), source],
    ]) {
      const input = SyncConfigInputSchema.parse({
        name: "docs",
        source: from,
        target: to,
        cron: "0 2 * * *",
      });
      const config = await store.configs.create(newSyncConfig(input, { id: newId(), now }));
      const { deps } = worker();
      const outcome = await runSyncJob(fire(config), deps, plenty, quick);
      expect(outcome.outcome, `${from} → ${to}`).toBe("RETRY");
      expect(await store.runs.get(outcome.task_id)).toMatchObject({ error: { code: "RETRYABLE_ERROR" } });
    }
  });

  it("ends a run at once when the target's answer is permanent (403)", async () => {
    const config = await givenConfig(await serverAnswering(403));
    const { deps, sent } = worker();
    const outcome = await runSyncJob(fire(config), deps, plenty, quick);
    expect(outcome.outcome).toBe("FAILURE");
    expect(await store.runs.get(outcome.task_id)).toMatchObject({ status: "FAILURE", attempts: 1 });
    expect(sent).toEqual([]);
  });
});
