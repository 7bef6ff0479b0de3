import { describe, expect, it } from "vitest";
import { runDriveContract } from "../../../test/support/drives/drive-contract.ts";
import { listAll, readBytes, streamOf } from "../../../test/support/drives/streams.ts";
import { DriveError, FileNotFoundError, isRetryable } from "../errors.ts";
import { createMemoryDrive } from "./memory-drive.ts";

runDriveContract({ name: "memory", newDrive: async () => createMemoryDrive() });

runDriveContract({
  name: "memory (md5 only, no mod times, no empty directories, case-insensitive)",
  newDrive: async () =>
    createMemoryDrive({
      features: {
        hashes: new Set(["md5"]),
        modTimePrecisionMs: Number.POSITIVE_INFINITY,
        canSetModTime: false,
        keepsEmptyDirectories: false,
        caseInsensitive: true,
      },
      hashesInEntries: true,
    }),
});

runDriveContract({
  name: "memory (1 s mod times, sha1 only)",
  newDrive: async () =>
    createMemoryDrive({ features: { hashes: new Set(["sha1"]), modTimePrecisionMs: 1000 } }),
});

const body = (value: string) => streamOf(new TextEncoder().encode(value));

describe("createMemoryDrive", () => {
  it("truncates mod times to the declared precision", async () => {
    const drive = createMemoryDrive({ features: { modTimePrecisionMs: 2000 } });
    const entry = await drive.write("a.txt", body("a"), { path: "a.txt", size: 1, modTime: 1_000_003_999 });
    expect(entry.modTime).toBe(1_000_002_000);
  });

  it("stamps the clock when it cannot set mod times", async () => {
    const drive = createMemoryDrive({ features: { canSetModTime: false }, now: () => 42_000 });
    const entry = await drive.write("a.txt", body("a"), { path: "a.txt", size: 1, modTime: 7 });
    expect(entry.modTime).toBe(42_000);
  });

  it("fails chosen operations with the injected error, then recovers", async () => {
    let failures = 2;
    const drive = createMemoryDrive({
      failOn: (op, path) =>
        op === "read" && path === "flaky.txt" && failures-- > 0
          ? new DriveError("503 from the store", path, { retryable: true })
          : op === "read" && path === "locked.txt"
            ? new DriveError("permission denied", path)
            : undefined,
    });
    await drive.write("flaky.txt", body("ok"), { path: "flaky.txt", size: 2 });
    await drive.write("locked.txt", body("no"), { path: "locked.txt", size: 2 });
    for (let i = 0; i < 2; i++) {
      const error = await drive.read("flaky.txt").catch((e: unknown) => e);
      expect(isRetryable(error)).toBe(true);
    }
    expect(Buffer.from(await readBytes(await drive.read("flaky.txt"))).toString()).toBe("ok");
    await expect(drive.read("locked.txt")).rejects.toThrow("permission denied");
    expect(drive.calls.read).toBe(4);
    expect(drive.calls.write).toBe(2);
  });

  it("makes a listing fail when asked", async () => {
    const drive = createMemoryDrive({
      failOn: (op) => (op === "list" ? new Error("list broke") : undefined),
    });
    await expect(listAll(drive, "")).rejects.toThrow("list broke");
  });

  it("keeps the old content when a write is aborted", async () => {
    const drive = createMemoryDrive();
    await drive.write("a.txt", body("old"), { path: "a.txt", size: 3 });
    const controller = new AbortController();
    controller.abort();
    await expect(
      drive.write("a.txt", body("new"), { path: "a.txt", size: 3 }, { signal: controller.signal }),
    ).rejects.toThrow();
    expect(Buffer.from(await readBytes(await drive.read("a.txt"))).toString()).toBe("old");
  });

  it("refuses to write under a file", async () => {
    const drive = createMemoryDrive();
    await drive.write("a", body("file"), { path: "a", size: 4 });
    await expect(drive.write("a/b.txt", body("x"), { path: "a/b.txt", size: 1 })).rejects.toBeInstanceOf(
      DriveError,
    );
    await expect(drive.stat("a/b.txt")).rejects.toBeInstanceOf(FileNotFoundError);
  });
});
