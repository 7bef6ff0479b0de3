import { describe, expect, it } from "vitest";
import type { Entry, FileEntry } from "../lib/drives/drive.ts";
import {
  createDirectoryFilter,
  createPathFilter,
  type PlanOptions,
  planSync,
  type SyncAction,
} from "../lib/sync/index.ts";

const file = (path: string, size: number, modTime?: number, md5?: string): FileEntry => ({
  kind: "file",
  path,
  size,
  ...(modTime === undefined ? {} : { modTime }),
  ...(md5 === undefined ? {} : { hashes: { md5 } }),
});
const dir = (path: string): Entry => ({ kind: "directory", path });

const base: PlanOptions = { mode: "copy", compare: "size-mtime", modTimeWindowMs: 1 };
const kinds = (actions: SyncAction[]): string[] =>
  actions.map((a) => `${a.kind} ${a.path}${"reason" in a && a.reason ? ` (${a.reason})` : ""}`).sort();

describe("planSync", () => {
  it.each<[string, Entry[], Entry[], Partial<PlanOptions>, string[]]>([
    ["copies files missing on the target", [file("a", 1, 10)], [], {}, ["copy a"]],
    [
      "re-copies equal files and deletes extras in overwrite mode",
      [file("a", 1, 10, "x"), file("b", 1, 10)],
      [file("a", 1, 10, "x"), file("c", 1, 10)],
      { mode: "overwrite", compare: "checksum", hash: "md5" },
      ["copy b", "delete c", "update a (overwrite)"],
    ],
    ["skips equal files", [file("a", 1, 10)], [file("a", 1, 10)], {}, ["skip a"]],
    ["updates on a size change", [file("a", 2, 10)], [file("a", 1, 10)], {}, ["update a (size)"]],
    [
      "updates a same-size file with a newer mod time",
      [file("a", 1, 20)],
      [file("a", 1, 10)],
      {},
      ["update a (modtime)"],
    ],
    [
      "updates when the target is newer too (rclone sync)",
      [file("a", 1, 10)],
      [file("a", 1, 20)],
      {},
      ["update a (modtime)"],
    ],
    [
      "treats mod times within the window as equal",
      [file("a", 1, 1999)],
      [file("a", 1, 1000)],
      { modTimeWindowMs: 1000 },
      ["skip a"],
    ],
    [
      "compares by size only with an infinite window",
      [file("a", 1, 5)],
      [file("a", 1, 9)],
      { modTimeWindowMs: Number.POSITIVE_INFINITY },
      ["skip a"],
    ],
    [
      "trusts equal listed hashes over differing mod times",
      [file("a", 1, 5, "x")],
      [file("a", 1, 9, "x")],
      { hash: "md5" },
      ["skip a"],
    ],
    [
      "updates on differing listed hashes when mod times differ",
      [file("a", 1, 5, "x")],
      [file("a", 1, 9, "y")],
      { hash: "md5" },
      ["update a (hash)"],
    ],
    ["compare size ignores mod times", [file("a", 1, 5)], [file("a", 1, 9)], { compare: "size" }, ["skip a"]],
    [
      "checksum skips equal listed hashes",
      [file("a", 1, 5, "x")],
      [file("a", 1, 9, "x")],
      { compare: "checksum", hash: "md5" },
      ["skip a"],
    ],
    [
      "checksum updates differing listed hashes",
      [file("a", 1, 5, "x")],
      [file("a", 1, 5, "y")],
      { compare: "checksum", hash: "md5" },
      ["update a (hash)"],
    ],
    [
      "checksum asks for a check when hashes are not listed",
      [file("a", 1, 5)],
      [file("a", 1, 5)],
      { compare: "checksum", hash: "md5" },
      ["check a"],
    ],
    [
      "checksum needs no hash when sizes differ",
      [file("a", 1)],
      [file("a", 2)],
      { compare: "checksum", hash: "md5" },
      ["update a (size)"],
    ],
    ["copy never deletes", [], [file("x", 1, 1), dir("d")], {}, []],
    [
      "mirror deletes extra files and descends into extra directories",
      [],
      [file("x", 3, 1), dir("d")],
      { mode: "mirror" },
      ["delete x", "descend d"],
    ],
    ["descends into source directories", [dir("d")], [dir("d")], {}, ["descend d"]],
    ["reports a file where the target has a directory", [file("a", 1)], [dir("a")], {}, ["conflict a"]],
    [
      "reports a directory where the target has a file",
      [dir("a")],
      [file("a", 1)],
      { mode: "mirror" },
      ["conflict a"],
    ],
  ])("%s", (_name, source, target, overrides, expected) => {
    expect(kinds(planSync(source, target, { ...base, ...overrides }))).toEqual(expected);
  });

  it("matches names ignoring case where a side is case-insensitive, so a mirror never deletes what it wrote", () => {
    const actions = planSync([file("Photo.JPG", 2, 5), file("photo.jpg", 2, 5)], [file("photo.jpg", 1, 5)], {
      ...base,
      mode: "mirror",
      caseInsensitive: true,
    });
    expect(kinds(actions)).toEqual(["conflict photo.jpg", "update Photo.JPG (size)"]);
    // Where neither side says it is case-insensitive, A and a are two names, but a server may be so
    // without saying it: a is not deleted in the run that writes A (it would be the file written);
    // the next run, which writes nothing there, deletes it.
    const mirror = { ...base, mode: "mirror" as const };
    expect(kinds(planSync([file("A", 1, 5)], [file("a", 1, 5)], mirror))).toEqual(["copy A"]);
    expect(kinds(planSync([file("A", 1, 5)], [file("A", 1, 5), file("a", 1, 5)], mirror))).toEqual([
      "delete a",
      "skip A",
    ]);
    expect(kinds(planSync([file("a.jpg", 1, 5)], [dir("A.JPG")], mirror))).toEqual([
      "conflict a.jpg",
      "descend A.JPG",
    ]);
  });

  it("matches a name spelled in the other Unicode form (NFC/NFD), so a mirror never deletes what it wrote", () => {
    const nfd = "cafe\u0301.txt";
    const nfc = nfd.normalize("NFC");
    const mirror = { ...base, mode: "mirror" as const };
    // A server that stores names NFC lists the file a run wrote as NFD in NFC: one file.
    const one = planSync(
      [file(nfd, 1, 5), dir("Pho\u0308tos")],
      [file(nfc, 1, 5), dir("Ph\u00f6tos")],
      mirror,
    );
    expect(kinds(one)).toEqual(["descend Pho\u0308tos", `skip ${nfd}`]);
    expect(one).toContainEqual({ kind: "descend", path: "Pho\u0308tos", source: true, target: true });
    expect(kinds(planSync([file(nfd, 2, 5)], [file(nfc, 1, 5)], mirror))).toEqual([`update ${nfd} (size)`]);
    // A target holding both spellings keeps them apart: the one the source lacks is an extra.
    expect(kinds(planSync([file(nfd, 1, 5)], [file(nfc, 1, 5), file(nfd, 1, 5)], mirror))).toEqual([
      `delete ${nfc}`,
      `skip ${nfd}`,
    ]);
    // So does a source holding both: each its own, the target's spelling matched exactly first.
    expect(kinds(planSync([file(nfd, 1, 5), file(nfc, 1, 5)], [file(nfc, 1, 5)], mirror))).toEqual([
      `copy ${nfd}`,
      `skip ${nfc}`,
    ]);
  });

  it("marks whether a directory exists on each side", () => {
    const actions = planSync([dir("both"), dir("src")], [dir("both"), dir("tgt")], {
      ...base,
      mode: "mirror",
    });
    expect(actions).toEqual([
      { kind: "descend", path: "both", source: true, target: true },
      { kind: "descend", path: "src", source: true, target: false },
      { kind: "descend", path: "tgt", source: false, target: true },
    ]);
  });

  it("carries the source facts on a transfer, so it can be written as the FileInfo", () => {
    const [action] = planSync([file("a", 4, 77, "h")], [], base);
    expect(action).toEqual({ kind: "copy", path: "a", size: 4, modTime: 77, hashes: { md5: "h" } });
  });

  it("never copies or deletes files the filters leave out", () => {
    const filter = createPathFilter([], ["*.tmp"]);
    const actions = planSync([file("a.tmp", 1), file("b", 1)], [file("c.tmp", 1), file("d", 1)], {
      ...base,
      mode: "mirror",
      filter,
    });
    expect(kinds(actions)).toEqual(["copy b", "delete d"]);
  });
});

describe("createPathFilter", () => {
  it.each<[string, string[], string[], Record<string, boolean>]>([
    ["selects everything by default", [], [], { a: true, "x/y/z.txt": true }],
    [
      "matches unanchored patterns at any depth",
      [],
      ["*.tmp"],
      { "a.tmp": false, "x/y/a.tmp": false, "a.txt": true },
    ],
    ["keeps * within one segment", ["/*.txt"], [], { "a.txt": true, "d/a.txt": false }],
    [
      "lets ** cross segments",
      ["/docs/**"],
      [],
      { "docs/a": true, "docs/x/y/b.md": true, "other/docs/a": false },
    ],
    ["anchors a leading / to the root", [], ["/cache"], { cache: false, "a/cache": true }],
    [
      "matches ? as one character",
      ["file?.log"],
      [],
      { "file1.log": true, "file10.log": false, "d/fileA.log": true },
    ],
    ["expands {a,b}", ["*.{jpg,png}"], [], { "a.jpg": true, "b/c.png": true, "d.gif": false }],
    [
      "matches dot files",
      [],
      [".git/**"],
      { ".git/config": false, "x/.git/HEAD": false, ".gitignore": true },
    ],
    [
      "applies excludes over includes",
      ["*.txt"],
      ["secret*"],
      { "a.txt": true, "secret.txt": false, "a.md": false },
    ],
    [
      "matches unanchored paths with slashes at any depth",
      ["photos/*.jpg"],
      [],
      { "photos/a.jpg": true, "u/photos/a.jpg": true, "photos/x/a.jpg": false },
    ],
  ])("%s", (_name, include, exclude, cases) => {
    const filter = createPathFilter(include, exclude);
    for (const [path, selected] of Object.entries(cases))
      expect([path, filter(path)]).toEqual([path, selected]);
  });

  it("rejects an empty pattern, naming it", () => {
    expect(() => createPathFilter([""], [])).toThrow(/must not be empty, got ""/);
  });
});

describe("createDirectoryFilter", () => {
  it("prunes directories a subtree exclude covers, at any depth or anchored", () => {
    const walk = createDirectoryFilter(["node_modules/**", "/cache/**", "*.tmp"]);
    expect(["node_modules", "a/node_modules", "cache", "a/cache", "src"].map(walk)).toEqual([
      false,
      false,
      false,
      true,
      true,
    ]);
  });

  it("does not walk pruned directories on either side, so a mirror deletes nothing in them", () => {
    const directoryFilter = createDirectoryFilter(["/skip/**"]);
    const actions = planSync([dir("keep"), dir("skip")], [dir("skip"), dir("gone"), dir("other/skip")], {
      ...base,
      mode: "mirror",
      directoryFilter,
    });
    expect(kinds(actions)).toEqual(["descend gone", "descend keep", "descend other/skip"]);
  });
});
