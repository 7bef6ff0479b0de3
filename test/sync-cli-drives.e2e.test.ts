import { execFile } from "node:child_process";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BIN } from "./support/dev/dev-process.ts";
import { tempDir } from "./support/temp-dir.ts";

let dir: string;

beforeAll(async () => {
  dir = await tempDir("syncron-cli-drives-e2e-");
  await mkdir(join(dir, "disk/photos"), { recursive: true });
  await writeFile(join(dir, "disk/photos/p.jpg"), "jpeg");
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("syncron sync name:path, the real binary", () => {
  it("syncs a drive of a 0600 drives file", { timeout: 60_000 }, async () => {
    const file = join(dir, "drives.json");
    await writeFile(file, JSON.stringify({ disk: { type: "local", root: join(dir, "disk") } }), {
      mode: 0o600,
    });
    const result = await new Promise<{ code: number; stdout: string; stderr: string }>((done) => {
      execFile(
        process.execPath,
        [BIN, "sync", "disk:/photos", "disk:/copy", "--drives", file, "--json"],
        { timeout: 60_000 },
        (error, stdout, stderr) => done({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
      );
    });
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ status: "SUCCESS", copied: 1 });
    expect(await readFile(join(dir, "disk/copy/p.jpg"), "utf8")).toBe("jpeg");
  });
});
