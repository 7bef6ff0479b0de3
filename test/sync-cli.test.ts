import { mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { main } from "../lib/cli/main.ts";
import { run } from "../lib/cli/sync-command.ts";
import { tempDir } from "./support/temp-dir.ts";

let dir: string;
let out: string[];
let err: string[];

beforeEach(async () => {
  dir = await tempDir("syncron-cli-");
  await mkdir(join(dir, "src", "sub"), { recursive: true });
  await mkdir(join(dir, "dst"), { recursive: true });
  await writeFile(join(dir, "src", "a.txt"), "alpha");
  await writeFile(join(dir, "src", "sub", "b c.txt"), "beta");
  await writeFile(join(dir, "dst", "extra.txt"), "extra");
  out = [];
  err = [];
  vi.spyOn(console, "log").mockImplementation((line: unknown) => void out.push(String(line)));
  vi.spyOn(console, "error").mockImplementation((line: unknown) => void err.push(String(line)));
});

afterEach(async () => {
  vi.restoreAllMocks();
  await rm(dir, { recursive: true, force: true });
});

const files = async (root: string): Promise<string[]> =>
  (await readdir(root, { recursive: true, withFileTypes: true }))
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name).slice(root.length + 1))
    .sort();

describe("syncron sync", () => {
  it("mirrors two folders and prints the result as JSON (exit 0)", async () => {
    const code = await run([join(dir, "src"), join(dir, "dst"), "--mode", "mirror", "--json"]);
    expect(code).toBe(0);
    const result = JSON.parse(out.join("\n"));
    expect(result).toMatchObject({ status: "SUCCESS", copied: 2, deleted: 1, bytes_transferred: 9 });
    expect(await files(join(dir, "dst"))).toEqual(["a.txt", "sub/b c.txt"]);
    expect(await readFile(join(dir, "dst", "sub", "b c.txt"), "utf8")).toBe("beta");
  });

  it("is registered in the dispatcher and accepts file:// locations", async () => {
    const code = await main(["sync", `file://${join(dir, "src")}`, `file://${join(dir, "dst")}`]);
    expect(code).toBe(0);
    expect(out.join("\n")).toMatch(/copied 2, updated 0, deleted 0/);
    expect(await files(join(dir, "dst"))).toEqual(["a.txt", "extra.txt", "sub/b c.txt"]);
  });

  it("exits 1 on a max-delete abort and deletes nothing", async () => {
    const code = await run([join(dir, "src"), join(dir, "dst"), "--mode", "mirror", "--max-delete", "0"]);
    expect(code).toBe(1);
    expect(out.join("\n")).toMatch(/aborted: max-delete: 1 of 1/);
    expect(await files(join(dir, "dst"))).toContain("extra.txt");
  });

  it("a mirror without --max-delete refuses to delete most of the target; --max-delete 100% allows it", async () => {
    const [src, dst] = [join(dir, "one"), join(dir, "backup")];
    await mkdir(src);
    await mkdir(dst);
    await writeFile(join(src, "stray.txt"), "left behind by a mount point");
    for (let i = 0; i < 206; i++) await writeFile(join(dst, `photo-${i}.jpg`), "jpeg");

    expect(await run([src, dst, "--mode", "mirror"])).toBe(1);
    expect(out.join("\n")).toMatch(/aborted: max-delete: 206 of 206 .*more than half/);
    expect(await files(dst)).toHaveLength(207);

    expect(await run([src, dst, "--mode", "mirror", "--max-delete", "100%"])).toBe(0);
    expect(await files(dst)).toEqual(["stray.txt"]);
  });

  it("--help states the default delete cap", async () => {
    expect(await main(["sync", "--help"])).toBe(0);
    expect(out.join("\n")).toMatch(/without --max-delete.*half/s);
  });

  it("names a missing source as the user wrote it", async () => {
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      expect(await run(["./photos", "./backup", "--mode", "mirror"])).toBe(1);
    } finally {
      process.chdir(cwd);
    }
    const text = out.join("\n");
    expect(text).toContain("cannot list the source ./photos: the root folder not found");
    expect(text).toMatch(/^mirror \.\/photos -> \.\/backup: FAILURE/m);
  });

  it("dry run shows the plan and changes nothing", async () => {
    const code = await run([join(dir, "src"), join(dir, "dst"), "--mode", "mirror", "--dry-run"]);
    expect(code).toBe(0);
    const text = out.join("\n");
    expect(text).toMatch(/copy +a\.txt/);
    expect(text).toMatch(/delete +extra\.txt/);
    expect(text).toMatch(/would copy 2, update 0, delete 1/);
    expect(await files(join(dir, "dst"))).toEqual(["extra.txt"]);
  });

  it("applies include and exclude filters", async () => {
    const code = await run([
      join(dir, "src"),
      join(dir, "dst"),
      "--include",
      "*.txt",
      "--exclude",
      "/a.txt",
      "--json",
    ]);
    expect(code).toBe(0);
    expect(await files(join(dir, "dst"))).toEqual(["extra.txt", "sub/b c.txt"]);
  });

  it("exits 1 when the source does not exist", async () => {
    const code = await run([join(dir, "missing"), join(dir, "dst"), "--mode", "mirror", "--json"]);
    expect(code).toBe(1);
    expect(JSON.parse(out.join("\n")).errors[0]).toMatchObject({ op: "list" });
    expect(await files(join(dir, "dst"))).toEqual(["extra.txt"]);
  });

  it("exits 2 without echoing a secret from a bad location", async () => {
    expect(await main(["sync", "webdav://me:hunter2@host/x?sig=abc&bogus=1", join(dir, "dst")])).toBe(2);
    const text = err.join("\n");
    expect(text).toMatch(/unknown parameter "sig"/);
    expect(text).not.toMatch(/hunter2|abc/);
  });

  it("refuses overlapping locations (exit 2) and touches nothing", async () => {
    expect(await main(["sync", join(dir, "src"), join(dir, "src", "sub"), "--mode", "mirror"])).toBe(2);
    expect(err.join("\n")).toMatch(/overlap: one is inside the other/);
    expect(await files(join(dir, "src"))).toEqual(["a.txt", "sub/b c.txt"]);
  });

  it.each([
    [["only-one"], /expected a source and a target, got 1/],
    [["a", "b", "--mode", "sync"], /--mode: "sync" is not one of copy, mirror/],
    [["a", "b", "--compare", "md5"], /--compare: "md5" is not one of/],
    [["a", "b", "--max-delete", "lots"], /^syncron sync: --max-delete: .*got "lots"/],
    [["a", "b", "--transfers", "0"], /--transfers: "0" is not a whole number/],
    [["a", "b", "--checkers", "x"], /--checkers: "x" is not a whole number/],
    [["a", "b", "--exclude", ""], /--exclude #1: a glob must not be empty/],
    [["a", "b", "--include", "*.jpg", "--include", " "], /--include #2: a glob must not be empty/],
    [["a", "b", "--bogus"], /Unknown option '--bogus'/],
    [["ftp://host/x", "b"], /unsupported scheme "ftp:\/\/"/],
    [["s3:///prefix", "b"], /bucket is missing/],
  ])("exits 2 on a usage error: %j", async (args, message) => {
    expect(await main(["sync", ...args])).toBe(2);
    expect(err.join("\n")).toMatch(message);
  });
});
