import { describe, expect, it } from "vitest";
import { LocationError } from "../location.ts";
import {
  DRIVE_TYPE_NAMES,
  DriveTypeFieldSchema,
  drivePatchSchema,
  driveSchema,
  driveTypeOf,
  splitSecrets,
} from "./registry.ts";

/** A check context that allows any local folder (these tests are about other rules). */
const ANYWHERE = { localRoots: { roots: ["/"], rule: "any folder" } };

const type = (name: string) => {
  const found = driveTypeOf(name);
  if (!found) throw new Error(`no type ${name}`);
  return found;
};

describe("drive type registry", () => {
  it("knows s3, webdav and local, and names them when the type is unknown", () => {
    expect(DRIVE_TYPE_NAMES).toEqual(expect.arrayContaining(["s3", "webdav", "local"]));
    const result = DriveTypeFieldSchema.safeParse({ type: "ftp" });
    expect(result.error?.issues[0]?.message).toMatch(/type must be one of s3, webdav, local/);
  });

  it("takes a whole webdav drive and splits its password from its settings", () => {
    const fields = driveSchema(type("webdav")).parse({
      name: "nas",
      type: "webdav",
      url: "https://dav.example.com/remote.php/dav/files/alice",
      username: "alice",
      password: "pw",
      vendor: "nextcloud",
    });
    expect(splitSecrets(type("webdav"), fields)).toEqual({
      settings: {
        url: "https://dav.example.com/remote.php/dav/files/alice",
        username: "alice",
        vendor: "nextcloud",
      },
      secrets: { password: "pw" },
    });
  });

  it.each([
    [{ name: "Nas", type: "local", root: "/x" }, "name"],
    [{ name: "-x", type: "local", root: "/x" }, "name"],
    [{ name: "x".repeat(64), type: "local", root: "/x" }, "name"],
    [{ name: "d", type: "local", root: "relative" }, "root"],
    [{ name: "d", type: "local", root: "/x", extra: 1 }, ""],
    [{ name: "d", type: "webdav", url: "https://u:p@host/x" }, "url"],
    [{ name: "d", type: "webdav", url: "ftp://host/x" }, "url"],
    [{ name: "d", type: "webdav", url: "https://host/x", password: "***" }, "password"],
    [{ name: "d", type: "s3", access_key_id: "AK", secret_access_key: "****" }, "secret_access_key"],
    [{ name: "d", type: "s3", endpoint: "http://k:s@minio:9000" }, "endpoint"],
  ])("refuses %j, naming %s", (body, path) => {
    const result = driveSchema(type(body.type)).safeParse(body);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.path.join("."))).toContain(path);
  });

  it("wants both S3 keys or neither", () => {
    expect(type("s3").check?.({ access_key_id: "AK" }, ANYWHERE)).toEqual([
      { path: "secret_access_key", message: "give both access_key_id and secret_access_key, or neither" },
    ]);
    expect(type("s3").check?.({}, ANYWHERE)).toEqual([]);
  });

  it("takes a PATCH of any field, null removing one, but never the name or type", () => {
    const patch = drivePatchSchema(type("webdav"));
    expect(patch.parse({ password: "new", vendor: null })).toEqual({ password: "new", vendor: null });
    expect(patch.safeParse({ name: "other" }).success).toBe(false);
    expect(patch.safeParse({ password: "***" }).success).toBe(false);
  });

  it("locates a path inside each type, secrets included", () => {
    expect(
      type("s3").locate(
        {
          endpoint: "http://127.0.0.1:9000",
          region: "eu-west-1",
          path_style: true,
          access_key_id: "AK",
          secret_access_key: "SK",
        },
        "/my-bucket/site/a b/",
      ),
    ).toEqual({
      kind: "s3",
      bucket: "my-bucket",
      prefix: "site/a b",
      endpoint: "http://127.0.0.1:9000",
      region: "eu-west-1",
      forcePathStyle: true,
      accessKeyId: "AK",
      secretAccessKey: "SK",
    });
    expect(
      type("webdav").locate(
        { url: "https://dav.example.com/dav/", username: "u", password: "p" },
        "/photos/2026 x",
      ),
    ).toEqual({
      kind: "webdav",
      url: "https://dav.example.com/dav/photos/2026%20x",
      username: "u",
      password: "p",
    });
    expect(type("webdav").locate({ url: "http://host:8080" }, "")).toEqual({
      kind: "webdav",
      url: "http://host:8080/",
    });
    // A folder inside the drive carries the drive's root, which its real path must not leave.
    expect(type("local").locate({ root: "/srv/data" }, "/a/b")).toEqual({
      kind: "local",
      root: "/srv/data/a/b",
      within: "/srv/data",
    });
    expect(type("local").locate({ root: "/srv/data" }, "/")).toEqual({ kind: "local", root: "/srv/data" });
  });

  it("keeps a path inside its drive and an s3 path starting with its bucket", () => {
    expect(() => type("local").locate({ root: "/srv/data" }, "../etc")).toThrow(/"\." or "\.\." segments/);
    expect(() => type("s3").locate({}, "/")).toThrow(LocationError);
    expect(() => type("s3").locate({}, "/")).toThrow(/starts with the bucket/);
  });
});
