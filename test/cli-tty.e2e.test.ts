import { rm } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DevStack } from "../lib/dev/dev-stack.ts";
import { runInPty } from "./support/cli/pty.ts";
import { BIN, http } from "./support/dev/dev-process.ts";
import { startLocalDevStack } from "./support/dev/local-dev-stack.ts";
import { type OpenListFixture, startOpenListFixture } from "./support/drives/openlist-fixture.ts";
import { startWebdavTestServer, type WebdavTestServer } from "./support/drives/webdav-test-server.ts";
import { tempDir } from "./support/temp-dir.ts";

const SECRET = "Tty-Typed-Secret-5w3";
let dir: string;
let dav: WebdavTestServer;
let openlist: OpenListFixture;
let stack: DevStack;

beforeAll(async () => {
  dir = await tempDir("syncron-cli-tty-");
  dav = await startWebdavTestServer({ user: { username: "alice", password: SECRET } });
  openlist = await startOpenListFixture({ password: SECRET });
  stack = await startLocalDevStack(dir);
}, 60_000);
afterAll(async () => {
  await stack?.stop();
  await dav?.stop();
  await openlist?.stop();
  await rm(dir, { recursive: true, force: true });
});

/** `syncron ARGS` on a terminal, answering its prompts. */
const onTerminal = (args: string[], steps: { expect: string; send: string }[]) =>
  runInPty([process.execPath, BIN, ...args, "--url", stack.url], steps, { env: { LANG: "C.UTF-8" } });

describe("syncron on a terminal", () => {
  it("drive add prompts for the secret without echoing it, and the API gets it exactly", {
    timeout: 60_000,
  }, async () => {
    const prompt = "password for drive nas (empty: none): ";
    // A typo erased with Backspace (DEL, as terminals send it), then the secret and Enter.
    const result = await onTerminal(
      ["drive", "add", "nas", "type=webdav", `url=${dav.url}`, "username=alice"],
      [{ expect: prompt, send: `x\u007f${SECRET}\r` }],
    );
    expect(result).toMatchObject({ code: 0, timed_out: false });
    expect(result.output).toContain(prompt);
    expect(result.output).toContain("created drive nas (secrets set: password)");
    // Nothing typed came back on the screen: not the secret, not any part of it.
    expect(result.output).not.toContain(SECRET);
    expect(result.output).not.toContain(SECRET.slice(0, 6));
    // The server logs in with it: the exact characters arrived (the typo erased).
    const check = await http(stack.url, "POST", "/api/v1/drives/nas/check");
    expect(check.body).toEqual({ ok: true });
    expect((await http(stack.url, "GET", "/api/v1/drives/nas")).text).not.toContain(SECRET);
  });

  it("drive add asks for an OpenList password the same way, and the drive logs in with it", {
    timeout: 60_000,
  }, async () => {
    const prompt = "password for drive pan (empty: none): ";
    const result = await onTerminal(
      ["drive", "add", "pan", "type=openlist", `url=${openlist.server.url}`, "username=admin"],
      [{ expect: prompt, send: `${SECRET}\r` }],
    );
    expect(result).toMatchObject({ code: 0, timed_out: false });
    expect(result.output).toContain("created drive pan (secrets set: password)");
    expect(result.output).not.toContain("token for drive pan");
    expect(result.output).not.toContain(SECRET.slice(0, 6));
    expect((await http(stack.url, "POST", "/api/v1/drives/pan/check")).body).toEqual({ ok: true });
  });

  it("config rm asks on a terminal: no keeps the config, yes deletes it", { timeout: 60_000 }, async () => {
    const created = await http(stack.url, "POST", "/api/v1/sync-configs", {
      json: { name: "keep me", source: join(dir, "a"), target: join(dir, "b"), cron: "0 1 * * *" },
    });
    expect(created.status).toBe(201);
    const id: string = created.body.id;
    const question = `delete config ${id} ("keep me")? [y/N] `;

    const kept = await onTerminal(["config", "rm", id], [{ expect: question, send: "n\r" }]);
    expect(kept).toMatchObject({ code: 1, timed_out: false });
    expect(kept.output).toContain("not deleted");
    expect((await http(stack.url, "GET", `/api/v1/sync-configs/${id}`)).status).toBe(200);

    const deleted = await onTerminal(["config", "rm", id], [{ expect: question, send: "y\r" }]);
    expect(deleted).toMatchObject({ code: 0, timed_out: false });
    expect(deleted.output).toContain(`deleted config ${id}`);
    expect((await http(stack.url, "GET", `/api/v1/sync-configs/${id}`)).status).toBe(404);
  });
});
