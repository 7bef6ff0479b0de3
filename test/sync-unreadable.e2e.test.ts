/**
 * An entry that cannot be read is an error of the run, never an absence: the mirror must not delete
 * its copy on the target. Real modes, checked by the real CLI as an unprivileged user (root ignores modes).
 */
import { chmod, mkdir, readdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { giveToRunner, runCliUnprivileged } from "./support/sync/unprivileged.ts";
import { tempDir } from "./support/temp-dir.ts";

let dir: string;

beforeEach(async () => {
  dir = await tempDir("syncron-unreadable-");
  await chmod(dir, 0o755);
  for (const side of ["src", "dst"]) {
    await mkdir(join(dir, side, "sub"), { recursive: true });
    await writeFile(join(dir, side, "top.txt"), "top");
    await writeFile(join(dir, side, "sub", "a.txt"), "alpha");
    await writeFile(join(dir, side, "sub", "b.txt"), "beta");
  }
  await giveToRunner(dir);
});

afterEach(async () => {
  await chmod(join(dir, "src", "sub"), 0o755).catch(() => undefined);
  await chmod(join(dir, "dst", "sub"), 0o755).catch(() => undefined);
  await rm(dir, { recursive: true, force: true });
});

const names = async (folder: string): Promise<string[]> => (await readdir(folder)).sort();

describe("an unreadable entry on either side", { timeout: 60_000 }, () => {
  it("a source folder that can be listed but not searched (r--) fails the run and deletes nothing", async () => {
    await chmod(join(dir, "src", "sub"), 0o644); // names readable, files not stat-able
    const { code, stdout } = await runCliUnprivileged(
      ["sync", "src", "dst", "--mode", "mirror", "--max-delete", "100%", "--json"],
      dir,
    );
    const result = JSON.parse(stdout);
    expect(code).toBe(1);
    expect(result.status).toBe("FAILURE");
    expect(result.deleted).toBe(0);
    expect(result.errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ op: "list", message: expect.stringMatching(/EACCES/) }),
      ]),
    );
    expect(await names(join(dir, "dst", "sub"))).toEqual(["a.txt", "b.txt"]);
  });

  it("a target folder that cannot be searched fails the run instead of looking empty", async () => {
    await chmod(join(dir, "dst", "sub"), 0o644);
    const { code, stdout } = await runCliUnprivileged(
      ["sync", "src", "dst", "--mode", "mirror", "--json"],
      dir,
    );
    const result = JSON.parse(stdout);
    expect(code).toBe(1);
    expect(result).toMatchObject({ status: "FAILURE", copied: 0, deleted: 0 });
    expect(result.errors[0]).toMatchObject({ op: "list", message: expect.stringMatching(/target.*EACCES/) });
  });

  it("a source file that cannot be read fails the run and its copy stays", async () => {
    await chmod(join(dir, "src", "sub", "a.txt"), 0o000);
    await writeFile(join(dir, "dst", "sub", "a.txt"), "older copy");
    await writeFile(join(dir, "dst", "extra.txt"), "extra");
    await giveToRunner(dir);
    const { code, stdout } = await runCliUnprivileged(
      ["sync", "src", "dst", "--mode", "mirror", "--max-delete", "100%", "--json"],
      dir,
    );
    const result = JSON.parse(stdout);
    expect(code).toBe(1);
    expect(result).toMatchObject({ status: "FAILURE", deleted: 0 });
    expect(await names(`${dir}/dst`)).toContain("extra.txt");
  });
});
