import { mkdir, realpath, rm, symlink } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiStack, startApiStack } from "../../test/support/api/api-stack.ts";
import { tempDir } from "../../test/support/temp-dir.ts";
import { localRootsFrom } from "../drives/local-roots.ts";

const CONFIGS = "/api/v1/sync-configs";
let base: string;
let root: string;
let stack: ApiStack;

beforeAll(async () => {
  base = await realpath(await tempDir("syncron-api-roots-"));
  root = join(base, "root");
  await mkdir(join(root, "photos"), { recursive: true });
  await symlink("/etc", join(root, "etc-link"));
  stack = await startApiStack({ localRoots: localRootsFrom(root, { roots: [], rule: "unused" }) });
});
afterAll(async () => {
  await stack?.stop();
  await rm(base, { recursive: true, force: true });
});

const config = (source: string, target = "webdav://dav.example.com/backup") => ({
  name: "n",
  source,
  target,
  cron: "0 2 * * *",
});

describe("local locations given to the API", () => {
  it("lie under the allowed roots: /etc, /, /root and a symlink into /etc are 400s naming the rule; nothing is stored", async () => {
    for (const [source, target] of [
      ["/etc/apt", undefined],
      [join(root, "photos"), "/"],
      [join(root, "photos"), "/root"],
      [join(root, "etc-link"), undefined],
      [`file://${join(root, "..")}`, undefined],
    ] as const) {
      const reply = await stack.call({ method: "POST", path: CONFIGS, body: config(source, target) });
      expect(reply.status, `${source} ${target}`).toBe(400);
      const [detail] = reply.body.error.details;
      expect(detail.path).toBe(target === undefined ? "source" : "target");
      expect(detail.message).toMatch(/refused: it is outside the allowed roots .* \(SYNCRON_LOCAL_ROOTS\)/);
    }
    expect((await stack.call({ method: "GET", path: CONFIGS })).body.items).toEqual([]);
  });

  it("accepts a folder under a root, and refuses a PATCH that moves it out", async () => {
    const created = await stack.call({ method: "POST", path: CONFIGS, body: config(join(root, "photos")) });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const moved = await stack.call({
      method: "PATCH",
      path: `${CONFIGS}/${created.body.id}`,
      body: { target: join(root, "etc-link", "x") },
    });
    expect(moved.status).toBe(400);
    expect(moved.body.error.details[0].message).toContain('(real path "/etc/x")');
    expect((await stack.store.configs.get(created.body.id))?.target).toBe("webdav://dav.example.com/backup");
  });
});

describe("local drives given to the API", () => {
  const DRIVES = "/api/v1/drives";
  const refusedRoot = (reply: { status: number; body: { error?: { details?: unknown } } }) => {
    expect(reply.status, JSON.stringify(reply.body)).toBe(400);
    expect(reply.body.error?.details).toEqual([
      {
        path: "root",
        message: expect.stringMatching(
          new RegExp(`refused: it is outside the allowed roots ${root} \\(SYNCRON_LOCAL_ROOTS\\)`),
        ),
      },
    ]);
  };

  it("have their root under the allowed roots, judged on real paths: /etc, / and a symlink out are 400s naming root", async () => {
    for (const [name, folder] of [
      ["etc", "/etc"],
      ["slash", "/"],
      ["link", join(root, "etc-link")],
      ["link-below", join(root, "etc-link", "apt")],
    ] as const) {
      refusedRoot(
        await stack.call({ method: "POST", path: DRIVES, body: { name, type: "local", root: folder } }),
      );
      expect(await stack.store.drives.get(name)).toBeUndefined();
    }
  });

  it("accept a root under a root, and refuse a PATCH or PUT that moves it out, changing nothing", async () => {
    const photos = join(root, "photos");
    const created = await stack.call({
      method: "POST",
      path: DRIVES,
      body: { name: "pics", type: "local", root: photos },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    refusedRoot(
      await stack.call({ method: "PATCH", path: `${DRIVES}/pics`, body: { root: join(root, "etc-link") } }),
    );
    refusedRoot(
      await stack.call({
        method: "PUT",
        path: `${DRIVES}/pics`,
        body: { name: "pics", type: "local", root: "/root" },
      }),
    );
    expect(await stack.store.drives.get("pics")).toMatchObject({ settings: { root: photos }, version: 1 });
  });
});
