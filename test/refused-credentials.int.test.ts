/**
 * Refused credentials mean the same on every drive type that has them (S3's unknown key, WebDAV's
 * 401, OpenList's refused login): a run ends FAILURE with AUTH_FAILED on its first attempt (never
 * retried: the same credentials would be refused again), and `drives/{name}/check` answers AUTH_FAILED.
 */
import { rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { ReceiveMessageCommand } from "@aws-sdk/client-sqs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { driveFor } from "../lib/drives/open-drive.ts";
import { createDriveResolver } from "../lib/jobs/drives/resolve-drive.ts";
import { runSyncJob } from "../lib/jobs/run-sync-job/run-sync-job.ts";
import { createSqsProducer } from "../lib/queue/sqs-producer.ts";
import { newId } from "../lib/store/ids.ts";
import { type ApiStack, startApiStack } from "./support/api/api-stack.ts";
import { type OpenListFixture, startOpenListFixture } from "./support/drives/openlist-fixture.ts";
import { startWebdavTestServer, type WebdavTestServer } from "./support/drives/webdav-test-server.ts";
import { type MotoServer, startMotoServer } from "./support/secrets/moto-server.ts";
import { tempDir } from "./support/temp-dir.ts";

let stack: ApiStack;
let dav: WebdavTestServer;
let openlist: OpenListFixture;
let moto: MotoServer;
let work: string;

beforeAll(async () => {
  work = await tempDir("syncron-refused-");
  await writeFile(join(work, "a.txt"), "alpha");
  const started = await startMotoServer({ checkKeys: true });
  if (!started) throw new Error("moto_server is not installed on this machine");
  moto = started;
  [stack, dav, openlist] = await Promise.all([
    startApiStack(),
    startWebdavTestServer({ root: work, user: { username: "alice", password: "the-right-one" } }),
    startOpenListFixture(),
  ]);
}, 60_000);
afterAll(async () => {
  await Promise.all([stack?.stop(), dav?.stop(), openlist?.stop(), moto?.stop()]);
  await rm(work, { recursive: true, force: true });
});

const refused = {
  s3: {
    type: "s3",
    endpoint: "", // set in the test: moto's
    region: "us-east-1",
    path_style: true,
    bucket: "backup",
    access_key_id: "AKIAREFUSED00000001",
    secret_access_key: "refused/secret+key",
  },
  webdav: { type: "webdav", url: "", username: "alice", password: "not-the-right-one" },
  openlist: { type: "openlist", url: "", username: "admin", password: "not-the-password" },
} as const;

describe("refused credentials", () => {
  it.each(Object.keys(refused) as (keyof typeof refused)[])(
    "%s: the run ends AUTH_FAILED on its first attempt, and the check says AUTH_FAILED",
    async (kind) => {
      const url = { s3: moto.endpoint, webdav: dav.url, openlist: openlist.server.url }[kind];
      const body = {
        ...refused[kind],
        ...(kind === "s3" ? { endpoint: url } : { url }),
        name: `bad-${kind}`,
      };
      const created = await stack.call({ method: "POST", path: "/api/v1/drives", body });
      expect(created.status, JSON.stringify(created.body)).toBe(201);

      const check = await stack.call({ method: "POST", path: `/api/v1/drives/bad-${kind}/check` });
      expect(check.body).toEqual({ ok: false, error: { code: "AUTH_FAILED", message: expect.any(String) } });

      const config = await stack.call({
        method: "POST",
        path: "/api/v1/sync-configs",
        body: { name: kind, source: work, target: `bad-${kind}:/copy`, cron: "0 2 * * *" },
      });
      expect(config.status, JSON.stringify(config.body)).toBe(201);
      const taskId = newId();
      const outcome = await runSyncJob(
        { type: "sync.run", trigger: "manual", config_id: config.body.id, task_id: taskId },
        {
          store: stack.store,
          queue: createSqsProducer({ client: stack.sqs, queueUrl: stack.queueUrl }),
          openDrive: (location, name) => driveFor(location, name, {}),
          resolveLocation: createDriveResolver(stack.deps.drives!),
          clock: () => new Date(),
        },
        { remainingTimeMs: () => 15 * 60_000 },
      );
      expect(outcome).toMatchObject({ outcome: "FAILURE" });
      const run = await stack.call({ method: "GET", path: `/api/v1/task/scheduler/task-result/${taskId}` });
      expect(run.body, JSON.stringify(run.body)).toMatchObject({
        status: "FAILURE",
        error: { code: "AUTH_FAILED", message: expect.stringContaining("refused its credentials") },
      });
      expect((await stack.store.runs.get(taskId))?.attempts).toBe(1);
      // Not sent again for a retry.
      const queued = await stack.sqs.send(
        new ReceiveMessageCommand({ QueueUrl: stack.queueUrl, WaitTimeSeconds: 0 }),
      );
      expect(queued.Messages ?? []).toEqual([]);
      expect(JSON.stringify([check.body, run.body])).not.toMatch(/REFUSED0000|refused\/secret|not-the-/);
    },
  );
});
