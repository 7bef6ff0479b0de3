import { createHash } from "node:crypto";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Drive, FileInfo, HashType } from "../../../lib/drives/drive.ts";
import {
  DirectoryNotFoundError,
  DriveError,
  FileNotFoundError,
  InvalidPathError,
  IsADirectoryError,
  NotSupportedError,
} from "../../../lib/drives/errors.ts";
import { createMemoryDrive } from "../../../lib/drives/memory/memory-drive.ts";
import { collectGarbage } from "../collect-garbage.ts";
import { listAll, readBytes, streamOf } from "./streams.ts";

/**
 * The one suite every drive must pass, after rclone's fstests. Call it at the top level of a test
 * file; it declares its own `describe`/`it`. Each test gets a fresh, empty drive from `newDrive`
 * (closed after the test); `cleanup` runs once after all tests (stop a server, remove a temp root).
 * Behaviour that differs between stores is branched on `drive.features`, never on the drive's name.
 */
export interface DriveContractOptions {
  readonly name: string;
  readonly newDrive: () => Promise<Drive>;
  readonly cleanup?: () => Promise<void>;
  /**
   * For a drive with `copyFrom`: another drive on the same store (another root, folder or bucket
   * prefix) it can copy from server-side. The suite then checks that copies from it pass no byte
   * through this process, and that a drive of another store is declined (undefined).
   */
  readonly newPeer?: () => Promise<Drive>;
}

const ALL_HASHES: readonly HashType[] = ["md5", "sha1", "sha256"];
/** A past mod time with a millisecond part, so truncation to seconds shows. */
const MOD_TIME = Date.UTC(2021, 4, 6, 7, 8, 9, 123);

const encoder = new TextEncoder();
const text = (value: string): Uint8Array => encoder.encode(value);

/** Deterministic pseudo-random bytes (xorshift), so a large file is not all zeros. */
const pseudoRandom = (size: number, seed = 0x9e3779b9): Uint8Array => {
  const data = new Uint8Array(size);
  let x = seed >>> 0;
  for (let i = 0; i < size; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    data[i] = x & 0xff;
  }
  return data;
};

const digest = (type: HashType, data: Uint8Array): string => createHash(type).update(data).digest("hex");

export function runDriveContract(options: DriveContractOptions): void {
  describe(`drive contract: ${options.name}`, () => {
    let drive: Drive;

    beforeEach(async () => {
      drive = await options.newDrive();
    });
    afterEach(async () => {
      await drive?.close?.();
    });
    afterAll(async () => {
      await options.cleanup?.();
    });

    const put = async (path: string, data: Uint8Array | string, modTime = MOD_TIME) => {
      const bytes = typeof data === "string" ? text(data) : data;
      const source: FileInfo = { path, size: bytes.length, modTime };
      return drive.write(path, streamOf(bytes), source);
    };
    const get = async (path: string) => Buffer.from(await readBytes(await drive.read(path)));
    const paths = async (dir: string) => (await listAll(drive, dir)).map((e) => `${e.kind}:${e.path}`);

    const expectModTime = (modTime: number | undefined, expected: number) => {
      const { modTimePrecisionMs, canSetModTime } = drive.features;
      if (!Number.isFinite(modTimePrecisionMs)) return;
      expect(modTime).toBeTypeOf("number");
      if (canSetModTime) expect(Math.abs((modTime ?? 0) - expected)).toBeLessThanOrEqual(modTimePrecisionMs);
    };

    describe("features", () => {
      it("declares honest, well-formed features", () => {
        const { hashes, modTimePrecisionMs, canSetModTime } = drive.features;
        for (const type of hashes) expect(ALL_HASHES).toContain(type);
        expect(modTimePrecisionMs).toBeGreaterThan(0);
        if (canSetModTime) expect(Number.isFinite(modTimePrecisionMs)).toBe(true);
        expect(drive.name).toBeTypeOf("string");
      });
    });

    describe("write, stat and read", () => {
      it("round-trips exact bytes and reports the stored entry", async () => {
        const data = text("hello, drive\n");
        const written = await put("hello.txt", data);
        expect(written).toMatchObject({ kind: "file", path: "hello.txt", size: data.length });
        expectModTime(written.modTime, MOD_TIME);
        const stat = await drive.stat("hello.txt");
        expect(stat).toMatchObject({ kind: "file", path: "hello.txt", size: data.length });
        expectModTime(stat.modTime, MOD_TIME);
        expect(await get("hello.txt")).toEqual(Buffer.from(data));
      });

      it("keeps each mod time it is given", async () => {
        const older = Date.UTC(2001, 0, 2, 3, 4, 5, 678);
        await put("old.txt", "old", older);
        await put("new.txt", "new", MOD_TIME);
        expectModTime((await drive.stat("old.txt")).modTime, older);
        expectModTime((await drive.stat("new.txt")).modTime, MOD_TIME);
      });

      it("stores an empty file", async () => {
        await put("empty.txt", new Uint8Array(0));
        expect(await drive.stat("empty.txt")).toMatchObject({ kind: "file", size: 0 });
        expect((await get("empty.txt")).length).toBe(0);
        expect(await listAll(drive, "")).toMatchObject([{ kind: "file", path: "empty.txt", size: 0 }]);
      });

      it("stores a 5 MB file byte for byte", async () => {
        const data = pseudoRandom(5 * 1024 * 1024);
        await put("big.bin", data);
        expect((await drive.stat("big.bin")).size).toBe(data.length);
        const back = await get("big.bin");
        expect(back.length).toBe(data.length);
        expect(digest("md5", back)).toBe(digest("md5", data));
      });

      it("overwrites a file with shorter content", async () => {
        await put("over.txt", "a much longer first version");
        const written = await put("over.txt", "short", MOD_TIME + 60_000);
        expect(written.size).toBe(5);
        expect((await get("over.txt")).toString()).toBe("short");
        expect(await listAll(drive, "")).toMatchObject([{ kind: "file", path: "over.txt", size: 5 }]);
        expectModTime((await drive.stat("over.txt")).modTime, MOD_TIME + 60_000);
      });

      it("creates missing parent directories", async () => {
        await put("p/q/r.txt", "deep");
        expect(await paths("")).toEqual(["directory:p"]);
        expect(await paths("p")).toEqual(["directory:p/q"]);
        expect(await paths("p/q")).toEqual(["file:p/q/r.txt"]);
      });

      it("keeps names with spaces and unicode (NFC) exactly", async () => {
        const dir = "with space/ünïcödé 文件".normalize("NFC");
        const name = `${dir}/naïve café ☕ (1).txt`.normalize("NFC");
        await put(name, "unicode");
        expect((await drive.stat(name)).path).toBe(name);
        expect(await paths("with space")).toEqual([`directory:${dir}`]);
        const [entry] = await listAll(drive, dir);
        expect(entry?.path).toBe(name);
        expect(entry?.path.normalize("NFC")).toBe(entry?.path);
        expect((await get(name)).toString()).toBe("unicode");
      });

      it("keeps long names, and an emoji where a temporary name would cut the name short", async () => {
        // Temporary names keep the first 40 characters of a name: cut by UTF-16 units, the emoji's
        // surrogate pair split there and the half left broke the WebDAV and OpenList URL ("URI malformed").
        const emoji = `${"a".repeat(39)}😀 tail.txt`;
        const long = `${"é".repeat(100)}.txt`; // 204 bytes in UTF-8, near the usual 255-byte limit
        for (const name of [emoji, `dir/${emoji}`, long]) {
          await put(name, name);
          expect((await get(name)).toString(), name).toBe(name);
        }
        expect((await paths("")).sort()).toEqual([`file:${emoji}`, `file:${long}`, "directory:dir"].sort());
      });

      it("handles 10 levels of nesting", async () => {
        const levels = Array.from({ length: 10 }, (_, i) => `level${i}`);
        const file = `${levels.join("/")}/leaf.txt`;
        await put(file, "leaf");
        for (let depth = 0; depth < levels.length; depth++) {
          const dir = levels.slice(0, depth).join("/");
          const child = levels.slice(0, depth + 1).join("/");
          expect(await paths(dir)).toEqual([`directory:${child}`]);
        }
        expect(await paths(levels.join("/"))).toEqual([`file:${file}`]);
        expect((await get(file)).toString()).toBe("leaf");
      });

      it("rejects a write whose body fails, keeping any previous file", async () => {
        await put("keep.txt", "original");
        const failing = new ReadableStream<Uint8Array>({
          start(controller) {
            controller.enqueue(text("partial "));
            controller.error(new Error("source broke"));
          },
        });
        await expect(drive.write("keep.txt", failing, { path: "keep.txt", size: 100 })).rejects.toThrow();
        await expect(
          drive.write("fresh.txt", streamOf(text("x")).pipeThrough(breakAfterFirstChunk()), {
            path: "fresh.txt",
            size: 1,
          }),
        ).rejects.toThrow();
        expect(await paths("")).toContain("file:keep.txt");
        if (drive.features.atomicWrites) {
          expect((await get("keep.txt")).toString()).toBe("original");
          expect(await paths("")).toEqual(["file:keep.txt"]);
        }
      });
      it("rejects a body shorter or longer than the source's size, keeping the previous file", async () => {
        await put("sized.txt", "original");
        const short = drive.write("sized.txt", streamOf(text("cut")), { path: "sized.txt", size: 10 });
        await expect(short).rejects.toThrow(/bytes/);
        // A body that ended early is what a cut read gives: the engine reads the file again.
        await expect(short).rejects.toMatchObject({ retryable: true });
        const long = drive.write("sized.txt", streamOf(text("far too long")), { path: "sized.txt", size: 3 });
        await expect(long).rejects.toThrow(/bytes/);
        expect((await get("sized.txt")).toString()).toBe("original");
        expect(await paths("")).toEqual(["file:sized.txt"]);
      });
    });

    describe("concurrency and streams", () => {
      it("takes parallel writes into one new folder", async () => {
        const names = Array.from({ length: 12 }, (_, i) => `par/sub/file-${String(i).padStart(2, "0")}.txt`);
        await Promise.all(names.map((name, i) => put(name, `content ${i}`)));
        expect(await paths("par/sub")).toEqual(names.map((name) => `file:${name}`));
        const back = await Promise.all(names.map((name) => get(name)));
        expect(back.map((b) => b.toString())).toEqual(names.map((_, i) => `content ${i}`));
      });

      it("gives a read's stream whole to a reader that starts late, after a garbage collection", async () => {
        // The engine hands the stream to the target, which may make its folder before it reads; a
        // fetch body whose Response was collected meanwhile is cancelled by undici (0 bytes, no error).
        await put("late.txt", "read me later");
        const body = await drive.read("late.txt");
        await collectGarbage();
        expect(Buffer.from(await readBytes(body)).toString()).toBe("read me later");
      });

      it("lets a reader stop early, leaving the file usable", async () => {
        const data = pseudoRandom(2 * 1024 * 1024, 3);
        await put("stop.bin", data);
        const reader = (await drive.read("stop.bin")).getReader();
        const first = await reader.read();
        expect(first.done).toBe(false);
        await reader.cancel();
        expect(digest("md5", await get("stop.bin"))).toBe(digest("md5", data));
        await drive.delete("stop.bin");
        expect(await paths("")).toEqual([]);
      });

      it("refuses to write a file where a directory is, keeping the directory", async () => {
        await put("d/inner.txt", "x");
        await expect(put("d", "file over dir")).rejects.toBeInstanceOf(DriveError);
        expect(await paths("d")).toEqual(["file:d/inner.txt"]);
      });

      it("gives a mod time even when the source had none", async () => {
        const data = text("no source time");
        const written = await drive.write("now.txt", streamOf(data), { path: "now.txt", size: data.length });
        if (Number.isFinite(drive.features.modTimePrecisionMs)) {
          expect(written.modTime).toBeTypeOf("number");
          expect((await drive.stat("now.txt")).modTime).toBeTypeOf("number");
        }
      });
    });

    describe("list", () => {
      it("lists one level only, files and directories, with sizes", async () => {
        await put("a.txt", "aa");
        await put("d/b.txt", "bbb");
        await put("d/e/c.txt", "c");
        const root = await listAll(drive, "");
        expect(root.map((e) => `${e.kind}:${e.path}`)).toEqual(["file:a.txt", "directory:d"]);
        expect(root[0]).toMatchObject({ size: 2 });
        expectModTime((root[0] as { modTime?: number }).modTime, MOD_TIME);
        const sub = await listAll(drive, "d");
        expect(sub.map((e) => `${e.kind}:${e.path}`)).toEqual(["file:d/b.txt", "directory:d/e"]);
        expect(sub[0]).toMatchObject({ size: 3 });
      });

      it("lists a folder with many entries completely", async () => {
        const names = Array.from({ length: 30 }, (_, i) => `many/f${String(i).padStart(3, "0")}.txt`);
        for (let i = 0; i < names.length; i += 12) {
          await Promise.all(names.slice(i, i + 12).map((name) => put(name, name)));
        }
        expect(await paths("many")).toEqual(names.map((name) => `file:${name}`));
      });

      it("lists the root of an empty drive as empty", async () => {
        expect(await listAll(drive, "")).toEqual([]);
      });

      it("throws DirectoryNotFoundError for a missing directory", async () => {
        await put("a.txt", "a");
        await expect(listAll(drive, "missing")).rejects.toBeInstanceOf(DirectoryNotFoundError);
        await expect(listAll(drive, "missing/deeper")).rejects.toBeInstanceOf(DirectoryNotFoundError);
        await expect(listAll(drive, "a.txt")).rejects.toBeInstanceOf(DirectoryNotFoundError);
      });

      it("reports hashes in entries only when they are right", async () => {
        const data = text("hashed in listing");
        await put("h/x.txt", data);
        const [entry] = await listAll(drive, "h");
        const stat = await drive.stat("h/x.txt");
        for (const found of [entry, stat]) {
          const hashes = found?.kind === "file" ? (found.hashes ?? {}) : {};
          for (const [type, value] of Object.entries(hashes)) {
            expect(value).toBe(digest(type as HashType, data));
          }
        }
      });
    });

    describe("missing files and directories", () => {
      it("throws FileNotFoundError from stat, read and delete of a missing file", async () => {
        await put("d/present.txt", "here");
        for (const path of ["nope.txt", "d/nope.txt", "nodir/nope.txt"]) {
          await expect(drive.stat(path)).rejects.toBeInstanceOf(FileNotFoundError);
          await expect(drive.read(path)).rejects.toBeInstanceOf(FileNotFoundError);
          await expect(drive.delete(path)).rejects.toBeInstanceOf(FileNotFoundError);
        }
      });

      it("throws IsADirectoryError from stat of a directory", async () => {
        await put("d/inner.txt", "x");
        await expect(drive.stat("d")).rejects.toBeInstanceOf(IsADirectoryError);
      });

      it("refuses to delete a directory as a file, keeping its files", async () => {
        await put("d/inner.txt", "x");
        await expect(drive.delete("d")).rejects.toBeInstanceOf(DriveError);
        expect(await paths("d")).toEqual(["file:d/inner.txt"]);
      });

      it("rejects paths that could escape the root with InvalidPathError", async () => {
        for (const path of ["../x", "/abs.txt", "a/../../x", "a//b", "a/./b", "trailing/", "nul\0.txt"]) {
          await expect(drive.stat(path)).rejects.toBeInstanceOf(InvalidPathError);
          await expect(put(path, "x")).rejects.toBeInstanceOf(InvalidPathError);
        }
        await expect(listAll(drive, "..")).rejects.toBeInstanceOf(InvalidPathError);
      });
    });

    describe("delete, mkdir and rmdir", () => {
      it("deletes one file and leaves the others", async () => {
        await put("d/one.txt", "1");
        await put("d/two.txt", "2");
        await drive.delete("d/one.txt");
        expect(await paths("d")).toEqual(["file:d/two.txt"]);
        await expect(drive.stat("d/one.txt")).rejects.toBeInstanceOf(FileNotFoundError);
      });

      it("keeps or drops a directory emptied by delete, as features say", async () => {
        await put("d/only.txt", "1");
        await drive.delete("d/only.txt");
        if (drive.features.keepsEmptyDirectories) {
          expect(await paths("")).toEqual(["directory:d"]);
          expect(await paths("d")).toEqual([]);
        } else {
          expect(await paths("")).toEqual([]);
        }
      });

      it("mkdir creates parents and is idempotent", async () => {
        await drive.mkdir("x/y");
        await drive.mkdir("x/y");
        await drive.mkdir("x");
        await drive.mkdir("");
        if (drive.features.keepsEmptyDirectories) {
          expect(await paths("")).toEqual(["directory:x"]);
          expect(await paths("x")).toEqual(["directory:x/y"]);
          expect(await paths("x/y")).toEqual([]);
        }
        await put("x/y/f.txt", "f");
        await drive.mkdir("x/y");
        expect(await paths("x/y")).toEqual(["file:x/y/f.txt"]);
      });

      it("rmdir removes an empty directory", async () => {
        await put("keep/file.txt", "k");
        await drive.mkdir("gone/inner");
        await drive.rmdir("gone/inner");
        await drive.rmdir("gone");
        expect(await paths("")).toEqual(["directory:keep"]);
        if (drive.features.keepsEmptyDirectories) {
          await expect(drive.rmdir("gone")).rejects.toBeInstanceOf(DirectoryNotFoundError);
        }
      });

      it("rmdir refuses a directory that is not empty", async () => {
        await put("full/file.txt", "f");
        await expect(drive.rmdir("full")).rejects.toBeInstanceOf(DriveError);
        expect(await paths("full")).toEqual(["file:full/file.txt"]);
      });
    });

    describe("hashes", () => {
      it("matches node:crypto for each declared hash type", async () => {
        const data = pseudoRandom(100_000, 7);
        await put("hash.bin", data);
        await put("empty.bin", new Uint8Array(0));
        for (const type of drive.features.hashes) {
          expect(await drive.hash("hash.bin", type)).toBe(digest(type, data));
          expect(await drive.hash("empty.bin", type)).toBe(digest(type, new Uint8Array(0)));
        }
      });

      it("throws NotSupportedError for undeclared types and FileNotFoundError for missing files", async () => {
        await put("hash.bin", "x");
        for (const type of ALL_HASHES) {
          if (drive.features.hashes.has(type)) {
            await expect(drive.hash("missing.bin", type)).rejects.toBeInstanceOf(FileNotFoundError);
          } else {
            await expect(drive.hash("hash.bin", type)).rejects.toBeInstanceOf(NotSupportedError);
          }
        }
      });
    });

    describe("server-side copy (copyFrom)", () => {
      /** A peer whose `read` is counted: a server-side copy never calls it. */
      const peerWith = async (files: Record<string, string>) => {
        const peer = await options.newPeer!();
        for (const [path, data] of Object.entries(files)) {
          await peer.write(path, streamOf(text(data)), { path, size: text(data).length, modTime: MOD_TIME });
        }
        const reads: string[] = [];
        const read = peer.read.bind(peer);
        peer.read = (path, readOptions) => {
          reads.push(path);
          return read(path, readOptions);
        };
        return { peer, reads };
      };
      const itCopies = (title: string, test: () => Promise<void>) =>
        it(title, async () => {
          if (!drive.copyFrom || !options.newPeer) return; // a drive without server-side copy streams
          await test();
        });

      itCopies("copies a file of the same store, no byte through this process", async () => {
        const { peer, reads } = await peerWith({ "a/src.txt": "server side" });
        const source = await peer.stat("a/src.txt");
        const entry = await drive.copyFrom!(peer, source, "b/deep/copy.txt");
        expect(entry).toMatchObject({ kind: "file", path: "b/deep/copy.txt", size: 11 });
        expectModTime(entry?.modTime, MOD_TIME);
        expect((await get("b/deep/copy.txt")).toString()).toBe("server side");
        expect((await drive.stat("b/deep/copy.txt")).size).toBe(11);
        expect(reads).toEqual([]);
        await peer.close?.();
      });

      itCopies("replaces an existing file whole", async () => {
        await put("over.txt", "a much longer original");
        const { peer } = await peerWith({ "over.txt": "new" });
        await drive.copyFrom!(peer, await peer.stat("over.txt"), "over.txt");
        expect((await get("over.txt")).toString()).toBe("new");
        expect(await paths("")).toEqual(["file:over.txt"]);
        await peer.close?.();
      });

      itCopies("fails a source whose size is not the listed one, keeping the previous file", async () => {
        await put("sized.txt", "original");
        const { peer } = await peerWith({ "sized.txt": "changed since listed" });
        const listed = { ...(await peer.stat("sized.txt")), size: 3 };
        await expect(drive.copyFrom!(peer, listed, "sized.txt")).rejects.toThrow(/bytes|size/);
        expect((await get("sized.txt")).toString()).toBe("original");
        if (drive.features.atomicWrites) expect(await paths("")).toEqual(["file:sized.txt"]);
        await peer.close?.();
      });

      itCopies("throws FileNotFoundError for a source that is gone", async () => {
        const { peer } = await peerWith({});
        const gone = { path: "gone.txt", size: 4, modTime: MOD_TIME };
        await expect(drive.copyFrom!(peer, gone, "gone.txt")).rejects.toBeInstanceOf(FileNotFoundError);
        expect(await paths("")).toEqual([]);
        await peer.close?.();
      });

      itCopies("declines a drive of another store, which the engine then streams", async () => {
        const foreign = createMemoryDrive();
        await foreign.write("m.txt", streamOf(text("m")), { path: "m.txt", size: 1 });
        expect(await drive.copyFrom!(foreign, await foreign.stat("m.txt"), "m.txt")).toBeUndefined();
        expect(await paths("")).toEqual([]);
      });
    });

    describe("case sensitivity", () => {
      it("treats names that differ in case as features say", async () => {
        await put("Case.txt", "upper");
        if (drive.features.caseInsensitive) {
          expect((await get("case.TXT")).toString()).toBe("upper");
        } else {
          await put("case.txt", "lower");
          expect(await paths("")).toEqual(["file:Case.txt", "file:case.txt"]);
          expect((await get("Case.txt")).toString()).toBe("upper");
          await expect(drive.stat("CASE.txt")).rejects.toBeInstanceOf(FileNotFoundError);
        }
      });
    });
  });
}

/** Passes the first chunk, then errors: a body that breaks mid-transfer. */
const breakAfterFirstChunk = (): TransformStream<Uint8Array, Uint8Array> => {
  let seen = 0;
  return new TransformStream({
    transform(chunk, controller) {
      if (seen++ > 0) controller.error(new Error("source broke"));
      else controller.enqueue(chunk);
    },
    flush(controller) {
      controller.error(new Error("source broke at the end"));
    },
  });
};
