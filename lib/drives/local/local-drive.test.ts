import { createHash } from "node:crypto";
import { mkdir, readdir, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runDriveContract } from "../../../test/support/drives/drive-contract.ts";
import { listAll, readBytes, streamOf } from "../../../test/support/drives/streams.ts";
import { tempDir } from "../../../test/support/temp-dir.ts";
import { DirectoryNotFoundError, DriveError, InvalidPathError } from "../errors.ts";
import { nsToMs } from "./fs-probe.ts";
import { createLocalDrive } from "./local-drive.ts";

const temps: string[] = [];
const tempRoot = async (): Promise<string> => {
  const root = await tempDir("syncron-local-");
  temps.push(root);
  return root;
};
const cleanup = async () => {
  await Promise.all(temps.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
};

runDriveContract({
  name: "local",
  newDrive: async () => createLocalDrive({ root: await tempRoot() }),
  newPeer: async () => createLocalDrive({ root: await tempRoot() }),
  cleanup,
});

const text = (value: string) => streamOf(new TextEncoder().encode(value));
const info = (path: string, size = 0, modTime?: number) => ({ path, size, ...(modTime ? { modTime } : {}) });

describe("createLocalDrive", () => {
  afterAll(cleanup);

  it("measures an honest mod-time precision and round-trips a mod time within it", async () => {
    const drive = createLocalDrive({ root: await tempRoot() });
    expect([1, 10, 100, 1000, 2000]).toContain(drive.features.modTimePrecisionMs);
    const modTime = Date.UTC(2020, 1, 2, 3, 4, 5, 999);
    const entry = await drive.write("t.txt", text("t"), info("t.txt", 1, modTime));
    expect(Math.abs((entry.modTime ?? 0) - modTime)).toBeLessThanOrEqual(drive.features.modTimePrecisionMs);
    // libuv sets times to the microsecond: 1700000000.123 s comes back as ...122999000 ns.
    expect(nsToMs(1_700_000_000_122_999_000n)).toBe(1_700_000_000_123);
  });

  it("leaves the old file and no temporary file when a write aborts mid-stream", async () => {
    const root = await tempRoot();
    const drive = createLocalDrive({ root });
    await drive.write("d/keep.txt", text("original"), info("d/keep.txt", 8));
    const controller = new AbortController();
    let chunks = 0;
    const endless = new ReadableStream<Uint8Array>({
      pull(stream) {
        stream.enqueue(new Uint8Array(64 * 1024).fill(120));
        if (++chunks === 20) controller.abort();
      },
    });
    await expect(
      drive.write("d/keep.txt", endless, info("d/keep.txt"), { signal: controller.signal }),
    ).rejects.toThrow();
    expect(await readFile(join(root, "d", "keep.txt"), "utf8")).toBe("original");
    expect(await readdir(join(root, "d"))).toEqual(["keep.txt"]);
  });

  it("never lists temporary files", async () => {
    const root = await tempRoot();
    await writeFile(join(root, ".a.txt.syncron-0123abcd.partial"), "half");
    await writeFile(join(root, "a.txt"), "whole");
    const drive = createLocalDrive({ root });
    expect((await listAll(drive, "")).map((e) => e.path)).toEqual(["a.txt"]);
  });

  it("refuses symlinks that lead outside the root, and leaves the outside alone", async () => {
    const root = await tempRoot();
    const outside = await tempRoot();
    await writeFile(join(outside, "secret.txt"), "secret");
    await symlink(outside, join(root, "out"));
    await symlink(join(outside, "secret.txt"), join(root, "secret-link.txt"));
    const drive = createLocalDrive({ root, onWarning: () => {} });
    await expect(drive.stat("out/secret.txt")).rejects.toBeInstanceOf(InvalidPathError);
    await expect(drive.read("out/secret.txt")).rejects.toBeInstanceOf(InvalidPathError);
    await expect(drive.read("secret-link.txt")).rejects.toBeInstanceOf(InvalidPathError);
    await expect(drive.delete("secret-link.txt")).rejects.toBeInstanceOf(InvalidPathError);
    await expect(drive.write("out/new.txt", text("x"), info("out/new.txt", 1))).rejects.toBeInstanceOf(
      InvalidPathError,
    );
    await expect(drive.write("out/secret.txt", text("x"), info("x", 1))).rejects.toBeInstanceOf(
      InvalidPathError,
    );
    await expect(listAll(drive, "out")).rejects.toBeInstanceOf(InvalidPathError);
    await expect(drive.mkdir("out/sub")).rejects.toBeInstanceOf(InvalidPathError);
    expect(await readdir(outside)).toEqual(["secret.txt"]);
    expect(await readFile(join(outside, "secret.txt"), "utf8")).toBe("secret");
  });

  it("skips symlinks inside the root when listing, with a warning, but follows them by name", async () => {
    const root = await tempRoot();
    await mkdir(join(root, "real"));
    await writeFile(join(root, "real", "f.txt"), "f");
    await symlink(join(root, "real"), join(root, "alias"));
    await symlink(join(root, "real", "f.txt"), join(root, "f-link.txt"));
    const warnings: string[] = [];
    const drive = createLocalDrive({ root, onWarning: (message) => warnings.push(message) });
    expect((await listAll(drive, "")).map((e) => `${e.kind}:${e.path}`)).toEqual(["directory:real"]);
    expect(warnings.sort()).toEqual(["skipping alias: symbolic link", "skipping f-link.txt: symbolic link"]);
    expect(Buffer.from(await readBytes(await drive.read("f-link.txt"))).toString()).toBe("f");
  });

  it("fails a listing that meets a name that is not UTF-8, rather than drop the file", async () => {
    // Linux names are bytes; Node reads "bad\xff.txt" as "bad\uFFFD.txt", a name no call can open.
    // Dropped, the file reads as absent: a sync said SUCCESS without it (rclone copies it, escaped).
    const root = await tempRoot();
    await writeFile(join(root, "ok.txt"), "ok");
    await writeFile(Buffer.from([...Buffer.from(join(root, "bad")), 0xff, ...Buffer.from(".txt")]), "x");
    const drive = createLocalDrive({ root });
    const error = await listAll(drive, "").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DriveError);
    expect((error as DriveError).message).toMatch(/bad\uFFFD\.txt.*not valid UTF-8/);
    expect((error as DriveError).retryable).toBe(false);

    const folder = await tempRoot();
    await mkdir(Buffer.from([...Buffer.from(join(folder, "dir")), 0xfe]));
    await expect(listAll(createLocalDrive({ root: folder }), "")).rejects.toThrow(
      /dir\uFFFD.*not valid UTF-8/,
    );
  });

  it("lists a name that holds U+FFFD itself", async () => {
    const root = await tempRoot();
    await writeFile(join(root, "a\uFFFD.txt"), "a");
    expect((await listAll(createLocalDrive({ root }), "")).map((e) => e.path)).toEqual(["a\uFFFD.txt"]);
  });

  it("says a root that is a file is a file, not a missing folder", async () => {
    const file = join(await tempRoot(), "file.txt");
    await writeFile(file, "x");
    const error = await listAll(createLocalDrive({ root: file }), "").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DirectoryNotFoundError);
    expect((error as Error).message).toBe("the root is a file, not a folder");
    await writeFile(join(dirname(file), "plain"), "y");
    const below = await listAll(createLocalDrive({ root: dirname(file) }), "plain/sub").catch(
      (e: unknown) => e,
    );
    expect((below as Error).message).toBe("plain/sub is not a folder: it, or one above it, is a file");
  });

  it("treats a missing root as empty-and-absent until the first write creates it", async () => {
    const root = join(await tempRoot(), "not", "yet");
    const drive = createLocalDrive({ root });
    await expect(listAll(drive, "")).rejects.toBeInstanceOf(DirectoryNotFoundError);
    await drive.write("a/b.txt", text("b"), info("a/b.txt", 1));
    expect(await readFile(join(root, "a", "b.txt"), "utf8")).toBe("b");
  });

  it("refuses to write below a file", async () => {
    const drive = createLocalDrive({ root: await tempRoot() });
    await drive.write("a", text("file"), info("a", 4));
    const error = await drive.write("a/b.txt", text("x"), info("a/b.txt", 1)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DriveError);
    expect((error as DriveError).retryable).toBe(false);
  });

  it("streams a 200 MB file in and out with bounded memory", { timeout: 120_000 }, async () => {
    const drive = createLocalDrive({ root: await tempRoot() });
    const size = 200 * 1024 * 1024;
    const chunk = 256 * 1024;
    const expected = createHash("md5");
    let produced = 0;
    let peak = 0;
    const sample = () => {
      peak = Math.max(peak, process.memoryUsage.rss());
    };
    const before = process.memoryUsage.rss();
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        sample();
        if (produced >= size) return controller.close();
        const data = new Uint8Array(chunk).fill(produced / chunk);
        expected.update(data);
        produced += chunk;
        controller.enqueue(data);
      },
    });
    const entry = await drive.write("big.bin", body, info("big.bin", size));
    expect(entry.size).toBe(size);
    expect(peak - before).toBeLessThan(100 * 1024 * 1024);

    const readBefore = process.memoryUsage.rss();
    peak = 0;
    const actual = createHash("md5");
    let read = 0;
    for await (const part of await drive.read("big.bin")) {
      actual.update(part);
      read += part.length;
      sample();
    }
    expect(read).toBe(size);
    expect(actual.digest("hex")).toBe(expected.digest("hex"));
    expect(peak - readBefore).toBeLessThan(100 * 1024 * 1024);
  });
});
