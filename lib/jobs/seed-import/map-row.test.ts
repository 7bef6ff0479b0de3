import { describe, expect, it } from "vitest";
import { parseDriveMap } from "./drive-map.ts";
import { mapSeedRow, SEED_LAST_SYNC_TASK, seedInstant } from "./map-row.ts";
import { convertSeedRule } from "./seed-rules.ts";

const map = parseDriveMap([["3", "openlist:/baidu"]]);
const row = (extra: Record<string, unknown> = {}) => ({
  id: 1,
  remark: "Photos",
  src_path: "/share/photos",
  dst_path: "/photos",
  user_id: 3,
  cron: "0 2 * * *",
  ...extra,
});
const mapped = (extra: Record<string, unknown> = {}) => mapSeedRow(row(extra), map, "Asia/Shanghai");
const fieldsOf = (extra: Record<string, unknown> = {}) => {
  const result = mapped(extra);
  if (!("fields" in result)) throw new Error(JSON.stringify(result));
  return result.fields;
};
const problemsOf = (extra: Record<string, unknown>) => {
  const result = mapped(extra);
  if (!("problems" in result)) throw new Error(`carried: ${JSON.stringify(result)}`);
  return result.problems;
};

describe("mapSeedRow", () => {
  it("keeps the id and maps remark, paths inside the mapped folder, cron in Asia/Shanghai, the seed's defaults", () => {
    expect(mapped()).toEqual({
      seedId: 1,
      id: "1",
      fields: {
        name: "Photos",
        source: "openlist:/baidu/share/photos",
        target: "openlist:/baidu/photos",
        cron: "0 2 * * *",
        timezone: "Asia/Shanghai",
        enabled: true,
        mode: "copy",
        compare: "size",
        include: [],
        exclude: [],
        max_delete: null,
        end_time: null,
        tps: null,
      },
      notes: [],
    });
  });

  it.each([
    ["incremental", "copy"],
    ["copy", "copy"],
    ["1", "copy"],
    ["full", "mirror"],
    ["overwrite", "overwrite"],
  ])("method %s → mode %s", (method, mode) => {
    expect(fieldsOf({ method }).mode).toBe(mode);
  });

  it.each([
    [0, null],
    [1, 0.3],
    [2, null],
  ])("speed %s → tps %s", (speed, tps) => {
    expect(fieldsOf({ speed }).tps).toBe(tps);
  });

  it("maps enable, an empty remark, and reads naive times in the seed's zone", () => {
    const fields = fieldsOf({ enable: false, remark: "", end_time: "2027-01-01 08:00:00" });
    expect(fields).toMatchObject({
      enabled: false,
      name: "seed config 1",
      end_time: "2027-01-01T00:00:00.000Z",
    });
    expect(fieldsOf({ end_time: "2027-01-01T08:00:00+08:00" }).end_time).toBe("2027-01-01T00:00:00.000Z");
    expect(mapped({ last_sync: "2026-11-01T10:00:00" })).toMatchObject({
      lastRun: { task_id: SEED_LAST_SYNC_TASK, status: "SUCCESS", finished_at: "2026-11-01T02:00:00.000Z" },
    });
  });

  it("reads exclude and rename columns stored as JSON text", () => {
    const exclude = JSON.stringify([{ pattern: "tmp", target: "name", mode: "contains" }]);
    expect(fieldsOf({ exclude, rename: "[]" }).exclude).toEqual([
      { kind: "contains", pattern: "tmp", on: "name", items: "both", ignore_case: true },
    ]);
  });

  it("does not carry a row whose drive account is unmapped, with no cron, or with rename rules, giving every reason", () => {
    expect(
      problemsOf({
        user_id: 9,
        cron: null,
        rename: [{ match_regex: "^(.*)\\.mp4$", replace_string: "\\1.mkv", target_scope: "name" }],
      }).map((problem) => problem.field),
    ).toEqual(["user_id", "cron", "rename"]);
    expect(problemsOf({ user_id: 9 })[0]?.message).toBe(
      "drive account 9 is not mapped: add --map 9=DRIVE:/FOLDER",
    );
  });

  it("names the field of a row that does not parse", () => {
    expect(mapSeedRow({ id: 4, src_path: "/a", user_id: 3, method: "mirror" }, map, "UTC")).toMatchObject({
      seedId: 4,
      problems: [
        { field: "dst_path", message: expect.any(String) },
        { field: "method", message: "method must be incremental, full or overwrite" },
      ],
    });
  });

  it("notes what changes meaning: a share source, both day fields restricted", () => {
    const result = mapped({ src_meta: '{"source_type":"friend","source_id":"123"}', cron: "0 0 1 * 1" });
    expect(result.notes).toEqual([
      expect.stringContaining("cron restricts both day of month and day of week"),
      expect.stringContaining("src_meta (the seed's share source) is not carried"),
    ]);
  });
});

describe("convertSeedRule", () => {
  it.each([
    [
      { pattern: "\\.tmp$", mode: "regex" },
      { kind: "regex", pattern: "\\.tmp$", on: "name", items: "both" },
    ],
    [
      { pattern: "cache", mode: "contains", item_type: "folder" },
      { kind: "contains", on: "name", items: "folder" },
    ],
    [
      { pattern: "Thumbs.db", mode: "exact", case_sensitive: true },
      { kind: "exact", ignore_case: false },
    ],
    [
      { pattern: "*.b?k", mode: "wildcard" },
      { kind: "regex", pattern: ".*\\.b.k" },
    ],
    [
      { pattern: "mp4", target: "extension", mode: "exact" },
      { kind: "extension", items: "file" },
    ],
    [
      { pattern: "p", target: "extension", mode: "contains" },
      { kind: "regex", pattern: "\\.[^.]*p[^.]*$" },
    ],
    [
      { pattern: "/tmp/", target: "path", mode: "contains" },
      { kind: "contains", on: "path" },
    ],
  ])("%j → %j", (seed, expected) => {
    const converted = convertSeedRule(seed);
    expect(converted).toMatchObject({ rule: expected });
  });

  it("has no equivalent for a regex on the extension, a dotted extension, or a Python-only regex", () => {
    expect(convertSeedRule({ pattern: "^mp", target: "extension", mode: "regex" })).toEqual({
      problem: expect.stringContaining("no syncron equivalent"),
    });
    expect(convertSeedRule({ pattern: "tar.gz", target: "extension", mode: "exact" })).toEqual({
      problem: expect.stringContaining("never matched"),
    });
    expect(convertSeedRule({ pattern: "(?P<n>x)", mode: "regex" })).toEqual({
      problem: expect.stringContaining("not valid JavaScript"),
    });
  });
});

describe("parseDriveMap", () => {
  it("reads DRIVE:/FOLDER and refuses a bad entry naming it", () => {
    expect([
      ...parseDriveMap([
        ["3", "nas:/a/b/"],
        ["4", "nas:"],
      ]),
    ]).toEqual([
      [3, { drive: "nas", prefix: "/a/b" }],
      [4, { drive: "nas", prefix: "" }],
    ]);
    expect(() => parseDriveMap([["x", "nas:/a"]])).toThrow(/map "x": a seed drive account id/);
    expect(() => parseDriveMap([["3", "NAS:/a"]])).toThrow(/map 3: "NAS:\/a" must be DRIVE:\/FOLDER/);
    expect(() => parseDriveMap([["3", "nas:/../a"]])).toThrow(/map 3: .*"\.\."/);
  });
});

describe("seedInstant", () => {
  it("reads a wall-clock time in the zone, and a time with an offset as it is", () => {
    expect(seedInstant("2026-03-29 02:30:00", "Europe/Berlin")).toBe("2026-03-29T00:30:00.000Z");
    expect(seedInstant("2026-06-01T12:00:00Z", "Asia/Shanghai")).toBe("2026-06-01T12:00:00.000Z");
    expect(seedInstant(null, "UTC")).toBeUndefined();
  });
});
