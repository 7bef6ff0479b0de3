import { readFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiStack, startApiStack } from "../../../test/support/api/api-stack.ts";
import { newId } from "../../store/ids.ts";
import { newSyncConfig, SyncConfigInputSchema } from "../../store/sync-config.ts";
import { migrateConfigCredentials } from "./migrate-credentials.ts";

const DAV_PASS = "migr-Dav-Pass-3c9";
const S3_SECRET = "migr-S3-Secret-8d2";

let stack: ApiStack;
beforeAll(async () => {
  stack = await startApiStack();
});
afterAll(() => stack?.stop());

const legacy = (source: string, target: string) =>
  stack.store.configs.create(
    newSyncConfig(SyncConfigInputSchema.parse({ name: "legacy", source, target, cron: "0 2 * * *" }), {
      id: newId(),
      now: new Date("2026-11-28T22:00:00Z"),
    }),
  );

describe("migrateConfigCredentials", () => {
  it("moves each distinct credential into one drive, rewrites the configs to name:path, and runs twice harmlessly", async () => {
    const a = await legacy(
      "/data/a",
      `webdavs://alice:${DAV_PASS}@dav.example.com/remote.php/dav/My%20Files/a`,
    );
    const b = await legacy(`webdavs://alice:${DAV_PASS}@dav.example.com/remote.php/dav/b`, "/data/b");
    const c = await legacy(
      "/data/c",
      `s3://AKIAMIGRATE:${S3_SECRET}@my-bucket/site?endpoint=http://minio:9000`,
    );
    const plain = await legacy("/data/d", "s3://public-bucket/x");
    const deps = { configs: stack.store.configs, drives: stack.deps.drives!, log: stack.deps.log };

    const first = await migrateConfigCredentials(deps);
    expect(first.configs_migrated).toBe(3);
    expect(first.drives_created).toHaveLength(2);
    const [dav, s3] = [
      first.drives_created.find((n) => n.startsWith("webdav-")),
      first.drives_created.find((n) => n.startsWith("s3-")),
    ];
    expect((await stack.store.configs.get(a.id))?.target).toBe(`${dav}:/remote.php/dav/My Files/a`);
    expect((await stack.store.configs.get(b.id))?.source).toBe(`${dav}:/remote.php/dav/b`);
    expect((await stack.store.configs.get(c.id))?.target).toBe(`${s3}:/my-bucket/site`);
    expect((await stack.store.configs.get(plain.id))?.target).toBe("s3://public-bucket/x");
    expect(await stack.store.drives.get(dav!)).toMatchObject({
      type: "webdav",
      settings: { url: "https://dav.example.com", username: "alice" },
      secrets_set: ["password"],
    });
    expect(await stack.store.drives.get(s3!)).toMatchObject({
      settings: { endpoint: "http://minio:9000" },
      secrets_set: ["access_key_id", "secret_access_key"],
    });
    const everything = JSON.stringify([
      ...(await stack.store.configs.list({ limit: 100 })).items,
      ...(await stack.store.drives.listAll()),
      stack.logs,
    ]);
    expect(everything).not.toContain(DAV_PASS);
    expect(everything).not.toContain(S3_SECRET);
    expect(await readFile(stack.secretFile, "utf8")).toContain(DAV_PASS);

    const second = await migrateConfigCredentials(deps);
    expect(second).toEqual({ configs_migrated: 0, drives_created: [] });
    expect((await stack.store.configs.list({ limit: 100 })).items).toHaveLength(4);
  });
});
