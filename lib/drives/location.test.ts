import { describe, expect, it } from "vitest";
import { type Location, LocationError, parseLocation, redactLocation } from "./location.ts";

const CWD = "/home/me/work";

describe("parseLocation", () => {
  it.each<[string, Location]>([
    ["data/photos", { kind: "local", root: "/home/me/work/data/photos" }],
    ["./x/../y", { kind: "local", root: "/home/me/work/y" }],
    [".", { kind: "local", root: "/home/me/work" }],
    ["/srv/backup/", { kind: "local", root: "/srv/backup" }],
    ["file:///srv/my%20files", { kind: "local", root: "/srv/my files" }],
    ["file://localhost/srv/a", { kind: "local", root: "/srv/a" }],
    ["s3://bucket", { kind: "s3", bucket: "bucket", prefix: "" }],
    ["s3://my.bucket-1/a/b/", { kind: "s3", bucket: "my.bucket-1", prefix: "a/b" }],
    ["s3://bucket/with%20space/%E6%96%87", { kind: "s3", bucket: "bucket", prefix: "with space/文" }],
    [
      "s3://bucket/p?endpoint=http://127.0.0.1:9000&region=eu-west-1&path_style=false",
      {
        kind: "s3",
        bucket: "bucket",
        prefix: "p",
        endpoint: "http://127.0.0.1:9000",
        region: "eu-west-1",
        forcePathStyle: false,
      },
    ],
    [
      "s3://AKIAX:se%2Fcr%3Ait@bucket/p",
      { kind: "s3", bucket: "bucket", prefix: "p", accessKeyId: "AKIAX", secretAccessKey: "se/cr:it" },
    ],
    ["webdav://dav.example.com", { kind: "webdav", url: "http://dav.example.com/" }],
    [
      "webdav://host:8080/remote.php/dav/files/me/",
      { kind: "webdav", url: "http://host:8080/remote.php/dav/files/me" },
    ],
    [
      "webdavs://cloud.example.com/dav/My%20Docs",
      { kind: "webdav", url: "https://cloud.example.com/dav/My%20Docs" },
    ],
    [
      "WEBDAVS://me:p%40ss@cloud.example.com/dav?vendor=nextcloud",
      {
        kind: "webdav",
        url: "https://cloud.example.com/dav",
        username: "me",
        password: "p@ss",
        vendor: "nextcloud",
      },
    ],
    ["webdav://[::1]:8080/x", { kind: "webdav", url: "http://[::1]:8080/x" }],
    ["nas:/photos/", { kind: "drive", drive: "nas", path: "photos" }],
    ["backup:my-bucket/site", { kind: "drive", drive: "backup", path: "my-bucket/site" }],
    ["d-1:", { kind: "drive", drive: "d-1", path: "" }],
    ["./nas:photos", { kind: "local", root: "/home/me/work/nas:photos" }],
    ["Nas:photos", { kind: "local", root: "/home/me/work/Nas:photos" }],
  ])("parses %s", (location, expected) => {
    expect(parseLocation(location, CWD)).toEqual(expected);
  });

  it.each([
    ["", /location is empty/],
    ["   ", /location is empty/],
    ["ftp://host/x", /unsupported scheme "ftp:\/\/"/],
    ["http://host/x", /unsupported scheme "http:\/\/".*webdav:\/\//],
    ["nas:/a/../b", /nas:\/a\/..\/b.*"\." or "\.\." segments/],
    ["s3://", /bucket is missing/],
    ["s3:///prefix", /bucket is missing/],
    ["s3://KEY:SECRET@/prefix", /bucket\) is missing|bucket is missing/],
    ["s3://ab/p", /bucket "ab" is not a valid bucket name/],
    ["s3://bucket:9000/p", /takes no port/],
    ["s3://bucket/a/../b", /"\." or "\.\." segments/],
    ["s3://bucket/a/%2e%2e/b", /"\." or "\.\." segments/],
    ["s3://bucket/p?endpoint=localhost:9000", /endpoint "localhost:9000" must be an http/],
    ["s3://bucket/p?path_style=yes", /path_style "yes" must be true or false/],
    ["s3://bucket/p?regoin=eu-west-1", /unknown parameter "regoin"/],
    ["s3://bucket/p?region=eu-west-1&region=us-east-1", /"region" is given twice/],
    ["s3://bucket/p?region=eu west", /region "eu west"/],
    ["s3://KEYONLY@bucket/p", /need both the access key id and the secret/],
    ["webdav://host:99999/x", /port 99999 is out of range/],
    ["webdav://host:80a/x", /port "80a" is not a number/],
    ["webdav://host:0/x", /port 0 is out of range/],
    ["webdav:///x", /host is missing|not a valid URL/],
    ["webdav://host/x?vendor=box", /vendor "box" must be nextcloud, owncloud or other/],
    ["webdav://host/x#frag", /no #fragment/],
    ["file://server/share", /must name a local path, not host "server"/],
    [
      "webdav://user:12/34@host/x",
      /an "@" after the host: write \/ \? # @ in a user name or password as %2F/,
    ],
    ["webdav://host/files/alice@example.com", /an "@" after the host/],
  ])("rejects %j with a clear LocationError", (location, message) => {
    const error = (() => {
      try {
        parseLocation(location, CWD);
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(LocationError);
    expect((error as Error).message).toMatch(message);
  });

  it.each([
    "s3://AKIAX:topsecret@ab/p",
    "s3://AKIAX:topsecret@bucket/p?regoin=x",
    "s3://bucket/p?endpoint=https://AKIAX:topsecret@host:9000",
    "s3://bucket/p?endpoint=ftp://AKIAX:topsecret@host",
    "webdav://me:topsecret@host:99999/x",
    "webdavs://me:topsecret@host/x?vendor=nope",
    "s3://AKIAX:topsecret@/p",
    "webdav://me:topsecret@:8080/x",
    "webdav://me:topsecret@host:x/y",
    "webdav://me:topsecret@host/x?token=topsecret2",
    "webdav://me:1234/topsecret@host/x",
    "webdav://me:top?secret@host/x",
    "webdav://me:top#secret@host/x",
    "s3://AKIAX:top/secret@bucket/p",
  ])("never shows secrets in errors: %s", (location) => {
    expect(() => parseLocation(location, CWD)).toThrow(LocationError);
    expect(() => parseLocation(location, CWD)).toThrow("***");
    expect(() => parseLocation(location, CWD)).toThrow(
      expect.objectContaining({ message: expect.not.stringMatching(/topsecret|AKIAX/) }),
    );
  });
});

describe("redactLocation", () => {
  it.each([
    ["/srv/data", "/srv/data"],
    ["file:///srv/data", "file:///srv/data"],
    ["s3://bucket/p?region=eu-west-1", "s3://bucket/p?region=eu-west-1"],
    ["s3://AKIAX:secret@bucket/p", "s3://***@bucket/p"],
    ["s3://AKIAX@bucket/p", "s3://***@bucket/p"],
    ["webdav://me:secret@host/x", "webdav://me:***@host/x"],
    ["webdavs://me@host/x", "webdavs://me@host/x"],
    ["webdav://me:p@ss@host/x", "webdav://me:***@host/x"],
    [
      "s3://b/p?endpoint=http://h:9&secret_access_key=s&X-Amz-Signature=abc&token=t",
      "s3://b/p?endpoint=http://h:9&secret_access_key=***&X-Amz-Signature=***&token=***",
    ],
    ["webdav://host/x?password=hunter2&vendor=other", "webdav://host/x?password=***&vendor=other"],
    // The user-info runs to the last "@", so a secret with an unencoded / ? # never shows.
    ["s3://b/p?endpoint=https://AKIAX:topsecret@h:9&region=r", "s3://***@h:9&region=r"],
    ["webdav://user:1234/abcd@host/x", "webdav://user:***@host/x"],
    ["webdav://user:ab?cd#ef@host/x", "webdav://user:***@host/x"],
    ["s3://AKIAX:se/cr?e#t@bucket/p", "s3://***@bucket/p"],
    ["s3://b/p?endpoint=https%3A%2F%2Fu%3Atopsecret%40h", "s3://b/p?endpoint=https://***@h"],
    ["not a url at all", "not a url at all"],
  ])("redacts %s", (location, expected) => {
    expect(redactLocation(location)).toBe(expected);
  });
});
