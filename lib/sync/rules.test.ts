import { describe, expect, it } from "vitest";
import { createDirectoryFilter, createPathFilter, FilterRuleError } from "./filter.ts";
import { compileMatchRule, type MatchRule } from "./rules.ts";

describe("compileMatchRule", () => {
  it.each<[string, MatchRule, [path: string, isFolder: boolean, matches: boolean][]]>([
    [
      "regex on the name, searched (not anchored), case-sensitive by default",
      { kind: "regex", pattern: "\\.tmp$" },
      [
        ["a/b.tmp", false, true],
        ["a/b.TMP", false, false],
        ["a.tmp/b.txt", false, false],
        ["x.tmp", true, true],
      ],
    ],
    [
      "regex ignoring case, files only",
      { kind: "regex", pattern: "\\.tmp$", items: "file", ignore_case: true },
      [
        ["a/b.TMP", false, true],
        ["dir.tmp", true, false],
      ],
    ],
    [
      "contains on the path from the root, with its leading slash",
      { kind: "contains", on: "path", pattern: "/cache/" },
      [
        ["a/cache/b.txt", false, true],
        ["cache/b.txt", false, true],
        ["mycache/b.txt", false, false],
      ],
    ],
    [
      "extension with or without the dot, folders excluded by items",
      { kind: "extension", pattern: "mp4", items: "file", ignore_case: true },
      [
        ["v/clip.MP4", false, true],
        ["v/clip.mp4.part", false, false],
        ["clips.mp4", true, false],
      ],
    ],
    [
      "extension given with its dot",
      { kind: "extension", pattern: ".jpg" },
      [
        ["a.jpg", false, true],
        ["ajpg", false, false],
      ],
    ],
    [
      "exact names, folders only",
      { kind: "exact", pattern: "@eaDir", items: "folder" },
      [
        ["photos/@eaDir", true, true],
        ["photos/@eaDir", false, false],
        ["photos/@eaDir2", true, false],
      ],
    ],
    [
      "anchored regex on the path",
      { kind: "regex", on: "path", pattern: "^/photos/\\d{4}/" },
      [
        ["photos/2024/a.jpg", false, true],
        ["old/photos/2024/a.jpg", false, false],
      ],
    ],
  ])("%s", (_title, rule, cases) => {
    const test = compileMatchRule(rule);
    expect(cases.map(([path, isFolder]) => test(path, isFolder))).toEqual(
      cases.map(([, , matches]) => matches),
    );
  });

  it("refuses an invalid regex and an empty pattern with the reason", () => {
    expect(() => compileMatchRule({ kind: "regex", pattern: "(" })).toThrow(/invalid regex "\(":/);
    expect(() => compileMatchRule({ kind: "contains", pattern: "" })).toThrow(/non-empty pattern/);
  });
});

describe("createPathFilter with structured rules", () => {
  it("excludes files under a folder a folder rule matches, and keeps glob strings working beside rules", () => {
    const selected = createPathFilter(
      [],
      [
        "*.log",
        { kind: "exact", pattern: "node_modules", items: "folder" },
        { kind: "contains", pattern: "~$" },
      ],
    );
    expect(
      [
        "a.txt",
        "x/app.log",
        "node_modules/y.js",
        "src/node_modules/z/y.js",
        "~$report.docx",
        "node_modules.txt",
      ].map(selected),
    ).toEqual([true, false, false, false, false, true]);
  });

  it("includes files under an included folder, and only those", () => {
    const selected = createPathFilter([{ kind: "exact", pattern: "keep", items: "folder" }], []);
    expect(["keep/a.txt", "x/keep/b/c.txt", "keep", "other/a.txt"].map(selected)).toEqual([
      true,
      true,
      false,
      false,
    ]);
  });

  it("names the bad rule by field and index", () => {
    const error = (() => {
      try {
        createPathFilter([], ["*.tmp", { kind: "regex", pattern: "[" }]);
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(FilterRuleError);
    expect(error).toMatchObject({
      field: "exclude",
      index: 1,
      message: expect.stringMatching(/^exclude\.1: invalid regex "\["/),
    });
  });
});

describe("createDirectoryFilter with structured rules", () => {
  it("prunes folders an exclude folder rule matches, never for file-only rules", () => {
    const walk = createDirectoryFilter([
      { kind: "regex", pattern: "^\\.", items: "folder" },
      { kind: "extension", pattern: "tmp", items: "file" },
      { kind: "contains", pattern: "cache", ignore_case: true },
    ]);
    expect([".git", "a/.svn", "src", "x.tmp", "a/Cache"].map(walk)).toEqual([
      false,
      false,
      true,
      true,
      false,
    ]);
  });
});
