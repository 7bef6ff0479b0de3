import { describe, expect, it } from "vitest";
import type { DriveFeatures, HashType } from "../lib/drives/drive.ts";
import { type Location, parseLocation } from "../lib/drives/location.ts";
import { DEFAULT_SYNC_OPTIONS, locationsOverlap, parseMaxDelete, resolveCompare } from "../lib/sync/index.ts";

const features = (overrides: Partial<DriveFeatures> = {}): DriveFeatures => ({
  hashes: new Set<HashType>(["md5", "sha1"]),
  modTimePrecisionMs: 1,
  canSetModTime: true,
  keepsEmptyDirectories: true,
  caseInsensitive: false,
  ...overrides,
});

describe("parseMaxDelete", () => {
  it("reads counts and percentages", () => {
    expect(parseMaxDelete("10")).toEqual({ count: 10 });
    expect(parseMaxDelete(0)).toEqual({ count: 0 });
    expect(parseMaxDelete("5%")).toEqual({ percent: 5 });
    expect(parseMaxDelete(" 2.5% ")).toEqual({ percent: 2.5 });
  });

  it.each(["", "-1", "1.5", "abc", "101%", "5 %", "%"])("rejects %j, naming it", (value) => {
    expect(() => parseMaxDelete(value)).toThrow(`got ${JSON.stringify(value)}`);
  });
});

describe("DEFAULT_SYNC_OPTIONS", () => {
  it("is a safe copy with size and mod time, 4 transfers, 8 checkers", () => {
    expect(DEFAULT_SYNC_OPTIONS).toMatchObject({
      mode: "copy",
      compare: "size-mtime",
      transfers: 4,
      checkers: 8,
      dryRun: false,
      include: [],
      exclude: [],
    });
  });
});

describe("resolveCompare", () => {
  it("uses the coarser mod-time precision of the two drives", () => {
    expect(resolveCompare("size-mtime", features(), features({ modTimePrecisionMs: 1000 }))).toMatchObject({
      compare: "size-mtime",
      modTimeWindowMs: 1000,
    });
  });

  it("falls back to size when a side has no mod times or the target cannot set them", () => {
    const none = features({ modTimePrecisionMs: Number.POSITIVE_INFINITY });
    expect(resolveCompare("size-mtime", none, features()).modTimeWindowMs).toBe(Number.POSITIVE_INFINITY);
    expect(resolveCompare("size-mtime", features(), features({ canSetModTime: false })).modTimeWindowMs).toBe(
      Number.POSITIVE_INFINITY,
    );
  });

  it("picks a hash type both drives have for checksum", () => {
    const sha1Only = features({ hashes: new Set<HashType>(["sha1", "sha256"]) });
    expect(resolveCompare("checksum", features(), sha1Only)).toMatchObject({
      compare: "checksum",
      hash: "sha1",
    });
  });

  it("explains when no hash type is shared", () => {
    expect(() =>
      resolveCompare("checksum", features({ hashes: new Set(["md5"]) }), features({ hashes: new Set() })),
    ).toThrow("the source has md5, the target has none");
  });
});

describe("locationsOverlap", () => {
  const local = (root: string): Location => ({ kind: "local", root });
  const s3 = (bucket: string, prefix: string, endpoint?: string): Location => ({
    kind: "s3",
    bucket,
    prefix,
    ...(endpoint ? { endpoint } : {}),
  });
  const dav = (url: string): Location => ({ kind: "webdav", url });
  const ref = (drive: string, path: string): Location => ({ kind: "drive", drive, path });

  it.each<[string, Location, Location, boolean]>([
    ["the same folder", local("/data/a"), local("/data/a"), true],
    ["a folder inside the other", local("/data/a"), local("/data/a/backup"), true],
    ["the other way round", local("/data/a/b"), local("/data/a"), true],
    ["siblings sharing a name prefix", local("/data/a"), local("/data/ab"), false],
    ["a bucket root and a prefix in it", s3("b", ""), s3("b", "x"), true],
    ["prefixes sharing a name prefix", s3("b", "photos"), s3("b", "photos2"), false],
    ["the same bucket name on other stores", s3("b", "x", "http://minio:9000"), s3("b", "x"), false],
    ["webdav folders on one server", dav("https://h/dav/files/a"), dav("https://h/dav/files/a/sub"), true],
    ["webdav folders on two servers", dav("https://h/dav"), dav("https://g/dav"), false],
    ["different kinds", local("/x"), s3("x", ""), false],
    ["a drive's folder and one inside it", ref("nas", "photos"), ref("nas", "photos/2026"), true],
    ["a drive's root and any folder of it", ref("nas", ""), ref("nas", "x"), true],
    ["siblings in one drive", ref("nas", "photos"), ref("nas", "photos2"), false],
    ["two drives", ref("nas", "photos"), ref("backup", "photos"), false],
  ])("%s", (_name, a, b, expected) => {
    expect(locationsOverlap(a, b)).toBe(expected);
  });

  it.each<[string, string, string, boolean]>([
    [
      "webdav host case and a default port",
      "webdav://DAV.example.com:80/a",
      "webdav://dav.example.com/a/b",
      true,
    ],
    ["webdav http and https on their default ports", "webdavs://h:443/a/b", "webdav://h/a", true],
    ["webdav percent-encoding", "webdav://h/my%20photos/%61", "webdav://h/my photos/a/2026", true],
    ["webdav trailing and doubled slashes", "webdav://h/a//b/", "webdav://h/a/b", true],
    ["webdav loopback names", "webdav://localhost:8080/x", "webdav://127.0.0.1:8080/x/y", true],
    ["webdav a trailing dot on the host", "webdav://h.example.com./x", "webdav://h.example.com/x", true],
    ["webdav two ports are two servers", "webdav://h:8080/x", "webdav://h:8081/x", false],
    [
      "s3 path-style and virtual-host endpoints",
      "s3://photos/a?endpoint=https://minio.lan:9000",
      "s3://photos/a/b?endpoint=https://photos.MINIO.lan:9000/",
      true,
    ],
    [
      "s3 on AWS with and without a regional endpoint",
      "s3://bkt/x?endpoint=https://s3.eu-west-1.amazonaws.com",
      "s3://bkt/x/y",
      true,
    ],
    ["s3 percent-encoded prefixes", "s3://bkt/my%20x", "s3://bkt/my x/y", true],
    [
      "s3 two stores",
      "s3://bkt/x?endpoint=https://minio.lan:9000",
      "s3://bkt/x?endpoint=https://other.lan:9000",
      false,
    ],
  ])("two spellings of one place: %s", (_name, a, b, expected) => {
    expect(locationsOverlap(parseLocation(a), parseLocation(b))).toBe(expected);
    expect(locationsOverlap(parseLocation(b), parseLocation(a))).toBe(expected);
  });
});
