import { readdir } from "node:fs/promises";
import { afterAll, describe, expect, it } from "vitest";
import { createLocalDrive } from "../lib/drives/local/local-drive.ts";
import { createWebdavDrive } from "../lib/drives/webdav/webdav-drive.ts";
import { syncDrives } from "../lib/sync/index.ts";
import { startWebdavTestServer } from "./support/drives/webdav-test-server.ts";
import { options, seed, tree } from "./support/sync/sync-fixtures.ts";
import { tempDir } from "./support/temp-dir.ts";

const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
});
const NFD = "cafe\u0301 de\u0301ja\u0300.txt"; // as macOS writes it (decomposed)
const NFC = NFD.normalize("NFC");
const NFD_DIR = "Pho\u0308tos";

describe("names in two Unicode forms (NFC/NFD) between drives", () => {
  it("a mirror from NFD names to a server that stores NFC keeps the files, run after run", {
    timeout: 60_000,
  }, async () => {
    const sourceRoot = await tempDir();
    const source = createLocalDrive({ root: sourceRoot });
    await seed(source, { [NFD]: "accents", [`${NFD_DIR}/${NFD}`]: "in a folder", "plain.txt": "plain" });
    // Nextcloud stores names NFC, whatever form they were uploaded in.
    const server = await startWebdavTestServer({ root: await tempDir(), normalizeNames: "NFC" });
    cleanups.push(() => server.stop());
    const target = createWebdavDrive({ url: server.url });

    const first = await syncDrives(source, target, options({ mode: "mirror" }));
    expect(first).toMatchObject({ status: "SUCCESS", copied: 3, deleted: 0 });
    for (let run = 2; run <= 3; run++) {
      // Before: the target listed NFC names the source did not have: copied again, then deleted.
      const again = await syncDrives(source, target, options({ mode: "mirror" }));
      expect(again.errors, `run ${run}`).toEqual([]);
      expect(again, `run ${run}`).toMatchObject({ status: "SUCCESS", copied: 0, updated: 0, deleted: 0 });
      expect((await tree(target)).map(([path]) => path)).toEqual(
        [NFC, `${NFD_DIR.normalize("NFC")}/${NFC}`, "plain.txt"].sort(),
      );
    }
    expect(await readdir(sourceRoot)).toHaveLength(3);
  });
});
