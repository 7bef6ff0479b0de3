/**
 * Nothing leaks (issue 12, item 6): distinctive secrets in every drive type that has them (s3 keys,
 * webdav password, openlist password and token), through a real `syncron dev` child process: syncs,
 * failures (wrong password, refused key, unreachable host), `drives/{name}/check`, the CLI, the
 * legacy-credential migration and a restart. Then every HTTP reply, every line the stack printed,
 * `syncron status`, every CLI output and every file of the data folder but the secret file hold none
 * of them, nor do the store's items (read through DynamoDB: its files may be compressed) — and the
 * same search finds each of them in the secret file, so it can fail.
 */
import { execFile, spawn } from "node:child_process";
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { gunzipSync } from "node:zlib";
import { CreateBucketCommand, S3Client } from "@aws-sdk/client-s3";
import { ScanCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LOCAL_CREDENTIALS, LOCAL_REGION } from "../../lib/dev/aws-endpoint.ts";
import { SECRET_FILE_NAME } from "../../lib/secrets/file/file-secret-store.ts";
import { newId } from "../../lib/store/ids.ts";
import { createDocumentClient, createStore } from "../../lib/store/store.ts";
import { newSyncConfig, SyncConfigInputSchema } from "../../lib/store/sync-config.ts";
import {
  BIN,
  http as call,
  type DevProcess,
  killAll,
  removeTempDirs,
  startDev,
  tempDir,
  waitFor,
} from "../support/dev/dev-process.ts";
import { type OpenListFixture, startOpenListFixture } from "../support/drives/openlist-fixture.ts";
import { startWebdavTestServer, type WebdavTestServer } from "../support/drives/webdav-test-server.ts";
import { REFUSED_ADDRESS } from "../support/net/refused-address.ts";
import { type MotoServer, startMotoServer } from "../support/secrets/moto-server.ts";

/** Every secret of the test, each distinctive enough that a hit can only be a leak. */
const SECRETS = {
  s3Key: "AKIALEAKQX7S3KEY9ZZ",
  s3Secret: "leak-S3-Secret/9f+Qz4Wm",
  badS3Key: "AKIALEAKBADKEY0Q77",
  badS3Secret: "leak-Bad-S3/Secret+3kx",
  davPass: "leak-Dav-Pass-7c2e",
  wrongDavPass: "leak-Wrong-Dav-41d9",
  offPass: "leak-Unreach-Pass-6d0",
  olPass: "leak-OL-Pass-5b8a",
  olToken: "leak-OL-Token-2e9f",
  legacyPass: "leak-Legacy-Dav-88a1",
} as const;
/** Not a secret: a config name that must be found where the secrets must not, so the search sees into each place. */
const CANARY = "leak-canary-config-3f1";

let work: string;
let dataDir: string;
let source: string;
let dav: WebdavTestServer;
let openlist: OpenListFixture;
let moto: MotoServer;
const devs: DevProcess[] = [];
/** Every HTTP reply (status line and body) and every CLI output, in order. */
const seen: string[] = [];

beforeAll(async () => {
  work = await tempDir("syncron-leaks-");
  dataDir = join(work, "data");
  source = join(work, "src");
  await mkdir(join(source, "docs"), { recursive: true });
  await writeFile(join(source, "docs", "a.txt"), "alpha");
  await writeFile(join(source, "b.txt"), "beta");
  const started = await startMotoServer({ checkKeys: true });
  if (!started) throw new Error("moto_server is not installed on this machine");
  moto = started;
  const davRoot = join(work, "dav");
  await mkdir(davRoot);
  [dav, openlist] = await Promise.all([
    startWebdavTestServer({ root: davRoot, user: { username: "alice", password: SECRETS.davPass } }),
    startOpenListFixture({ password: SECRETS.olPass, adminToken: SECRETS.olToken }),
  ]);
}, 120_000);

afterAll(async () => {
  await killAll();
  await Promise.all([dav?.stop(), openlist?.stop(), moto?.stop()]);
  await removeTempDirs();
});

const http = async (...args: Parameters<typeof call>) => {
  const reply = await call(...args);
  seen.push(`${args[1]} ${args[2]} → ${reply.status} ${reply.text}`);
  return reply;
};

/** `syncron <args>` as a real process (stdin piped in when given); its output is recorded. */
async function cli(args: string[], input?: string): Promise<{ code: number; out: string }> {
  const env = { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" };
  if (input === undefined) {
    try {
      const { stdout, stderr } = await promisify(execFile)(process.execPath, [BIN, ...args], { env });
      seen.push(`syncron ${args[0]} → 0 ${stdout}${stderr}`);
      return { code: 0, out: stdout + stderr };
    } catch (error) {
      const failed = error as { code?: number; stdout?: string; stderr?: string };
      const out = `${failed.stdout ?? ""}${failed.stderr ?? ""}`;
      seen.push(`syncron ${args[0]} → ${failed.code} ${out}`);
      return { code: failed.code ?? -1, out };
    }
  }
  const child = spawn(process.execPath, [BIN, ...args], { env, stdio: ["pipe", "pipe", "pipe"] });
  let out = "";
  child.stdout.on("data", (chunk: Buffer) => {
    out += chunk.toString();
  });
  child.stderr.on("data", (chunk: Buffer) => {
    out += chunk.toString();
  });
  child.stdin.end(input);
  const code = await new Promise<number>((done) => child.once("close", (status) => done(status ?? -1)));
  seen.push(`syncron ${args[0]} → ${code} ${out}`);
  return { code, out };
}

/** A run's task-result once it is in one of `states`. */
const runIn = (url: string, taskId: string, states: readonly string[]) =>
  waitFor(
    async () => {
      const reply = await http(url, "GET", `/api/v1/task/scheduler/task-result/${taskId}`);
      return reply.status === 200 && states.includes(reply.body.status) ? reply.body : undefined;
    },
    `run ${taskId} in ${states.join("|")}`,
    90_000,
    500,
  );

/** Every file under `dir` but `except`, as text (gzip files unpacked: reports and listing memos). */
async function filesOf(dir: string, except: string): Promise<{ path: string; text: string }[]> {
  const out: { path: string; text: string }[] = [];
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    if (path === except) continue;
    const bytes = await readFile(path);
    const plain = path.endsWith(".gz") ? gunzipSync(bytes) : bytes;
    out.push({ path, text: plain.toString("latin1") });
  }
  return out;
}

const hits = (places: { where: string; text: string }[]) =>
  places.flatMap(({ where, text }) =>
    Object.entries(SECRETS)
      .filter(([, secret]) => text.includes(secret) || text.includes(encodeURIComponent(secret)))
      .map(([name]) => `${name} in ${where}`),
  );

describe("nothing leaks", () => {
  it("no secret of any drive type in a reply, a log line, syncron status, the CLI or the data folder", {
    timeout: 300_000,
  }, async () => {
    const first = await startDev({ dataDir });
    devs.push(first);
    const url = first.url;
    const s3Endpoint = first.output().match(/s3, sqs\s+(http:\/\/\S+)/)?.[1];
    const dynamoEndpoint = first.output().match(/dynamodb\s+(http:\/\/\S+)/)?.[1];
    if (!s3Endpoint || !dynamoEndpoint) throw new Error(`no emulator endpoints in:\n${first.output()}`);
    const s3 = new S3Client({
      endpoint: s3Endpoint,
      region: LOCAL_REGION,
      forcePathStyle: true,
      credentials: LOCAL_CREDENTIALS,
    });
    await s3.send(new CreateBucketCommand({ Bucket: "leak-bucket" }));
    s3.destroy();

    // Drives of every type with secrets, through the API and through the CLI (argument and prompt).
    const drives: Record<string, unknown>[] = [
      {
        name: "s3ok",
        type: "s3",
        endpoint: s3Endpoint,
        region: LOCAL_REGION,
        path_style: true,
        bucket: "leak-bucket",
        access_key_id: SECRETS.s3Key,
        secret_access_key: SECRETS.s3Secret,
      },
      {
        name: "s3bad",
        type: "s3",
        endpoint: moto.endpoint,
        region: "us-east-1",
        path_style: true,
        bucket: "nope",
        access_key_id: SECRETS.badS3Key,
        secret_access_key: SECRETS.badS3Secret,
      },
      {
        name: "davoff",
        type: "webdav",
        url: `http://${REFUSED_ADDRESS}/dav`,
        username: "u",
        password: SECRETS.offPass,
      },
    ];
    for (const drive of drives) {
      const reply = await http(url, "POST", "/api/v1/drives", { json: drive });
      expect(reply.status, reply.text).toBe(201);
    }
    const added = await cli([
      "drive",
      "add",
      "dav",
      "type=webdav",
      `url=${dav.url}`,
      "username=alice",
      `password=${SECRETS.davPass}`,
      "--url",
      url,
    ]);
    expect(added.code, added.out).toBe(0);
    const prompted = await cli(
      ["drive", "add", "davwrong", "type=webdav", `url=${dav.url}`, "username=alice", "--url", url],
      `${SECRETS.wrongDavPass}\n`,
    );
    expect(prompted.code, prompted.out).toBe(0);
    // OpenList's secrets asked for as well: a login's password, and a token after an empty password.
    const olArgs = (name: string, ...fields: string[]) => [
      "drive",
      "add",
      name,
      "type=openlist",
      `url=${openlist.server.url}`,
      ...fields,
      "--url",
      url,
    ];
    for (const [args, input] of [
      [olArgs("olpass", "username=admin"), `${SECRETS.olPass}\n`],
      [olArgs("oltoken"), `\n${SECRETS.olToken}\n`],
    ] as const) {
      const olAdded = await cli([...args], input);
      expect(olAdded.code, olAdded.out).toBe(0);
    }

    // Checks: every outcome, through the API and the CLI.
    const expected = {
      s3ok: true,
      s3bad: "AUTH_FAILED",
      davoff: "UNREACHABLE",
      olpass: true,
      oltoken: true,
      dav: true,
      davwrong: "AUTH_FAILED",
    } as const;
    for (const [name, outcome] of Object.entries(expected)) {
      const check = await http(url, "POST", `/api/v1/drives/${name}/check`);
      expect(check.body, name).toEqual(
        outcome === true
          ? { ok: true }
          : { ok: false, error: { code: outcome, message: expect.any(String) } },
      );
    }
    for (const args of [["check", "davwrong"], ["check", "s3bad"], ["list"], ["show", "olpass"]]) {
      await cli(["drive", ...args, "--url", url]);
    }
    await http(url, "GET", "/api/v1/drives");
    await http(url, "GET", "/api/v1/drives/dav/entries?path=/");
    await http(url, "PATCH", "/api/v1/drives/oltoken", { json: { token: "***" } }); // refused: masked

    // A sync to each drive: the good ones succeed, the refused ones end AUTH_FAILED, the unreachable one retries.
    const runs: Record<string, string> = {};
    for (const name of Object.keys(expected)) {
      const target = name.startsWith("ol") ? `${name}:/local/${name}` : `${name}:/${name}`;
      const config = await http(url, "POST", "/api/v1/sync-configs", {
        json: { name: name === "dav" ? CANARY : name, source, target, cron: "0 3 1 1 *", mode: "mirror" },
      });
      expect(config.status, config.text).toBe(201);
      const run = await http(url, "POST", `/api/v1/task/scheduler/execute-sync/${config.body.id}`);
      expect(run.status, run.text).toBe(202);
      runs[name] = run.body.task_id;
    }
    for (const [name, outcome] of Object.entries(expected)) {
      const taskId = runs[name] as string;
      if (name === "davoff") {
        await runIn(url, taskId, ["RETRY"]);
        continue;
      }
      const run = await runIn(url, taskId, ["SUCCESS", "FAILURE"]);
      expect(run.status, name).toBe(outcome === true ? "SUCCESS" : "FAILURE");
      if (outcome !== true) expect(run.error.code, name).toBe("AUTH_FAILED");
      await http(url, "GET", `/api/v1/task/scheduler/task-result/${taskId}/items`);
    }
    await http(url, "GET", "/api/v1/sync-configs");
    await http(url, "GET", "/api/v1/task/scheduler/task-status");

    // A config stored before drives existed, with its password in the URL (written to the store directly:
    // the API refuses such a location); the restart migrates it into a drive.
    const store = createStore({
      client: createDocumentClient({
        endpoint: dynamoEndpoint,
        region: LOCAL_REGION,
        credentials: LOCAL_CREDENTIALS,
      }),
      tableName: "syncron",
    });
    const legacyTarget = dav.url.replace(/^http:\/\//, `webdav://alice:${SECRETS.legacyPass}@`);
    const legacy = await store.configs.create(
      newSyncConfig(
        SyncConfigInputSchema.parse({
          name: "legacy",
          source,
          target: `${legacyTarget}/legacy`,
          cron: "0 4 1 1 *",
        }),
        { id: newId(), now: new Date() },
      ),
    );
    expect(await first.stop("SIGTERM")).toBe(0);

    const second = await startDev({ dataDir });
    devs.push(second);
    await second.waitForOutput(/credentials moved into drives/);
    const migrated = await http(second.url, "GET", `/api/v1/sync-configs/${legacy.id}`);
    expect(migrated.body.target).toMatch(/^webdav-[a-z0-9-]+:\/legacy$/);
    const legacyRun = await http(second.url, "POST", `/api/v1/task/scheduler/execute-sync/${legacy.id}`);
    const legacyResult = await runIn(second.url, legacyRun.body.task_id, ["SUCCESS", "FAILURE"]);
    expect(legacyResult.error?.code).toBe("AUTH_FAILED"); // the server wants another password
    await http(second.url, "GET", "/api/v1/drives");
    // The store's items as DynamoDB gives them: its files on disk may be compressed (LevelDB's snappy
    // blocks after a compaction), where a secret could hide from a search of the bytes.
    const secondDynamo = second.output().match(/dynamodb\s+(http:\/\/\S+)/)?.[1];
    const items: unknown[] = [];
    const documents = createDocumentClient({
      endpoint: String(secondDynamo),
      region: LOCAL_REGION,
      credentials: LOCAL_CREDENTIALS,
    });
    let start: Record<string, unknown> | undefined;
    do {
      const page = await documents.send(new ScanCommand({ TableName: "syncron", ExclusiveStartKey: start }));
      items.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey;
    } while (start);
    documents.destroy();
    const tableText = JSON.stringify(items);
    const status = await cli(["status", "--url", second.url]);
    expect(status.code, status.out).toBe(0);
    expect(status.out).toContain(CANARY);
    expect(await second.stop("SIGTERM")).toBe(0);

    const secretFile = join(dataDir, SECRET_FILE_NAME);
    const files = await filesOf(dataDir, secretFile);
    const places = [
      ...seen.map((text, i) => ({ where: `reply or CLI output #${i}: ${text.slice(0, 80)}`, text })),
      ...devs.map((dev, i) => ({ where: `syncron dev output (start ${i + 1})`, text: dev.output() })),
      ...files.map(({ path, text }) => ({ where: path.slice(dataDir.length + 1), text })),
      { where: "the DynamoDB table's items", text: tableText },
    ];
    expect(hits(places)).toEqual([]);

    // The search can fail: it finds every secret in the secret file, and the canary in the store's items.
    const secretText = await readFile(secretFile, "latin1");
    expect(Object.entries(SECRETS).filter(([, secret]) => !secretText.includes(secret))).toEqual([]);
    expect(tableText).toContain(CANARY);
    expect(files.some(({ path }) => path.endsWith(".jsonl.gz"))).toBe(true);
  });
});
