import { expect } from "vitest";
import type { Drive } from "../../../lib/drives/drive.ts";
import { listAll, readBytes, streamOf } from "./streams.ts";

/** Names a URL must carry percent-encoded (or that look encoded already), in a folder of the same kind. */
export const AWKWARD_NAMES = [
  "a b.txt",
  "hash#tag.txt",
  "100%.txt",
  "%20looks-encoded.txt",
  "what?.txt",
  "amp&plus+eq=semi;.txt",
  "照片 ü.txt",
  "[brackets] 'quotes' (parens).txt",
];
export const AWKWARD_DIR = "dir #1 ?% 文件";

/**
 * Writes, lists, stats, reads, copies (when the drive can, from `peer` on its server) and deletes
 * files with AWKWARD_NAMES in AWKWARD_DIR: each name must come back exactly as it was given.
 */
export async function expectAwkwardNamesKept(drive: Drive, peer?: Drive): Promise<void> {
  const paths = AWKWARD_NAMES.map((name) => `${AWKWARD_DIR}/${name}`);
  for (const [i, path] of paths.entries()) {
    const bytes = Buffer.from(`content ${i}`);
    await drive.write(path, streamOf(bytes), { path, size: bytes.length });
  }
  expect(await listAll(drive, "")).toMatchObject([{ kind: "directory", path: AWKWARD_DIR }]);
  expect((await listAll(drive, AWKWARD_DIR)).map((entry) => entry.path)).toEqual([...paths].sort());
  for (const [i, path] of paths.entries()) {
    expect(await drive.stat(path)).toMatchObject({ kind: "file", path, size: `content ${i}`.length });
    expect(Buffer.from(await readBytes(await drive.read(path))).toString()).toBe(`content ${i}`);
  }
  if (peer?.copyFrom) {
    const copy = `${AWKWARD_DIR} copy/${AWKWARD_NAMES[2]}`;
    expect(await peer.copyFrom(drive, await drive.stat(paths[1]!), copy)).toMatchObject({
      path: copy,
      size: 9,
    });
    expect(Buffer.from(await readBytes(await peer.read(copy))).toString()).toBe("content 1");
    await peer.delete(copy);
    await peer.rmdir(`${AWKWARD_DIR} copy`);
  }
  for (const path of paths) await drive.delete(path);
  expect(await listAll(drive, AWKWARD_DIR)).toEqual([]);
  await drive.rmdir(AWKWARD_DIR);
  expect(await listAll(drive, "")).toEqual([]);
}
