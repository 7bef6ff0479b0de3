import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import {
  startWebdavTestServer,
  type WebdavTestServer,
} from "../../test/support/drives/webdav-test-server.ts";
import { tempDir } from "../../test/support/temp-dir.ts";
import { type DevStack, startDevStack } from "../dev/dev-stack.ts";
import { run } from "./drive-command.ts";

const PASSWORD = "cli-Dav-Pass-0a7";
let stack: DevStack;
let dav: WebdavTestServer;

beforeAll(async () => {
  dav = await startWebdavTestServer({ user: { username: "alice", password: PASSWORD } });
  stack = await startDevStack({
    port: 0,
    dataDir: await tempDir("syncron-cli-drive-"),
    log: () => {},
  });
}, 60_000);
afterAll(async () => {
  await stack?.stop();
  await dav?.stop();
});

/** Runs the command and returns its exit code and everything it printed. */
async function cli(...args: string[]) {
  const out: string[] = [];
  const log = vi.spyOn(console, "log").mockImplementation((...a) => void out.push(a.join(" ")));
  const err = vi.spyOn(console, "error").mockImplementation((...a) => void out.push(a.join(" ")));
  try {
    const code = await run([...args, "--url", stack.url], {});
    return { code, out: out.join("\n") };
  } finally {
    log.mockRestore();
    err.mockRestore();
  }
}

describe("syncron drive", () => {
  it("adds, lists, shows, checks and removes a drive, never printing the secret", async () => {
    const added = await cli(
      "add",
      "nas",
      "type=webdav",
      `url=${dav.url}`,
      "username=alice",
      `password=${PASSWORD}`,
    );
    expect(added).toEqual({ code: 0, out: "created drive nas (secrets set: password)" });
    const listed = await cli("list");
    expect(listed.out).toMatch(/nas\s+webdav\s+password/);
    const shown = await cli("show", "nas");
    expect(JSON.parse(shown.out)).toMatchObject({
      name: "nas",
      username: "alice",
      secrets_set: ["password"],
    });
    expect(await cli("check", "nas")).toEqual({ code: 0, out: "drive nas: ok" });
    await cli("add", "bad", "type=webdav", `url=${dav.url}`, "username=alice", "password=wrong-one");
    const bad = await cli("check", "bad");
    expect(bad.code).toBe(1);
    expect(bad.out).toMatch(/^drive bad: AUTH_FAILED: /);
    expect(await cli("rm", "bad")).toEqual({ code: 0, out: "deleted drive bad" });
    const missing = await cli("rm", "bad");
    expect(missing.code).toBe(1);
    expect(missing.out).toMatch(/NOT_FOUND/);
    const refused = await cli("add", "x", "type=webdav", "url=ftp://nope", "password=p");
    expect(refused.code).toBe(1);
    expect(refused.out).toMatch(/VALIDATION_FAILED: url/);
    for (const output of [added, listed, shown, bad, refused]) expect(output.out).not.toContain(PASSWORD);
  });
});
