import { rm } from "node:fs/promises";
import { afterAll, describe, expect, it } from "vitest";
import { tempDir } from "../test/support/temp-dir.ts";
import { bundleFunction } from "./support/function-bundle.ts";

/** Issue 14's budget for what a Lambda cold start loads (bench:coldstart measures the time). */
const MAX_COLD_START_BYTES = 1_000_000;
/** Packages only a drive's own code needs: loaded when a config uses that drive, not at a cold start. */
const DRIVE_PACKAGES = ["saxes", "xmlchars", "mime-db"];

const dirs: string[] = [];
afterAll(() => Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true }))));

describe.each(["api", "worker"])("functions/%s.ts bundled as SST deploys it", (name) => {
  it(`loads at most ${MAX_COLD_START_BYTES.toLocaleString("en")} bytes at a cold start, and no drive client`, async () => {
    const dir = await tempDir(`syncron-bundle-${name}-`);
    dirs.push(dir);
    const bundle = await bundleFunction(name, dir);
    expect(bundle.coldStart.bytes).toBeLessThanOrEqual(MAX_COLD_START_BYTES);
    const loaded = bundle.coldStart.packages.map((p) => p.package);
    expect(loaded.filter((pkg) => DRIVE_PACKAGES.includes(pkg))).toEqual([]);
    // Each remote drive is a file of its own, for the run that needs it.
    expect(bundle.drives.map((d) => d.drive).sort()).toEqual(["openlist", "s3", "webdav"]);
    const webdav = bundle.drives.find((d) => d.drive === "webdav");
    expect(webdav?.packages.map((p) => p.package)).toContain("saxes");
    if (name === "worker") {
      // What a run that opens a WebDAV drive loads: the cold start and the drive's own file(s).
      expect(bundle.coldStart.bytes + webdav!.bytes).toBeLessThanOrEqual(MAX_COLD_START_BYTES);
    }
  }, 60_000);
});

describe("functions/dead-letter.ts bundled as SST deploys it", () => {
  it(`loads at most ${MAX_COLD_START_BYTES.toLocaleString("en")} bytes at a cold start, and no drive at all`, async () => {
    const dir = await tempDir("syncron-bundle-dead-letter-");
    dirs.push(dir);
    const bundle = await bundleFunction("dead-letter", dir);
    expect(bundle.coldStart.bytes).toBeLessThanOrEqual(MAX_COLD_START_BYTES);
    // It only ends runs in the store: no drive's code is in its package.
    expect(bundle.drives).toEqual([]);
    expect(bundle.all.packages.map((p) => p.package).filter((pkg) => DRIVE_PACKAGES.includes(pkg))).toEqual(
      [],
    );
  }, 60_000);
});
