import { describe, expect, it } from "vitest";
import { AuthenticationError, DirectoryNotFoundError, DriveError, FileNotFoundError } from "../errors.ts";
import { defaultPathStyle } from "./s3-client.ts";
import { toS3DriveError } from "./s3-errors.ts";
import { formatMtime, md5FromEtag, md5Of, parseMtime } from "./s3-metadata.ts";

describe("rclone mtime metadata", () => {
  it.each([
    [1620284889123, "1620284889.123"],
    [1620284889120, "1620284889.12"],
    [1620284889000, "1620284889"],
    [5, "0.005"],
  ])("formats %d ms as %s", (ms, text) => {
    expect(formatMtime(ms)).toBe(text);
    expect(parseMtime(text)).toBe(ms);
  });

  it.each([
    ["1354040105.123456789", 1354040105123],
    ["1354040105.123999999", 1354040105124],
    ["1354040105.1234995", 1354040105123],
    ["1354040105.9999999999", 1354040106000],
    ["1354040105.", 1354040105000],
    ["1354040105", 1354040105000],
  ])("parses %s exactly, rounded to the millisecond as the local drive rounds a file's time", (text, ms) => {
    expect(parseMtime(text)).toBe(ms);
  });

  it.each([undefined, "", "abc", "-1.5", "1e9", "1.2.3"])("ignores %s", (text) => {
    expect(parseMtime(text)).toBeUndefined();
  });
});

describe("md5 from ETag and metadata", () => {
  const hex = "9e107d9d372bb6826bd81d3542a419d6";
  it("takes plain ETags and rejects multipart ones", () => {
    expect(md5FromEtag(`"${hex.toUpperCase()}"`)).toBe(hex);
    expect(md5FromEtag(`"${hex}-3"`)).toBeUndefined();
    expect(
      md5Of({ ETag: `"${hex}-3"`, Metadata: { md5chksum: Buffer.from(hex, "hex").toString("base64") } }),
    ).toBe(hex);
    expect(md5Of({ ETag: `"${hex}-3"`, Metadata: { md5chksum: "bm9wZQ==" } })).toBeUndefined();
  });

  it("never takes the ETag of an SSE-KMS, DSSE-KMS or SSE-C object for its MD5 (S3 says it is none)", () => {
    const etag = `"${"ab".repeat(16)}"`;
    expect(md5Of({ ETag: etag })).toBe("ab".repeat(16));
    expect(md5Of({ ETag: etag, ServerSideEncryption: "AES256" })).toBe("ab".repeat(16));
    expect(md5Of({ ETag: etag, ServerSideEncryption: "aws:kms" })).toBeUndefined();
    expect(md5Of({ ETag: etag, ServerSideEncryption: "aws:kms:dsse" })).toBeUndefined();
    expect(md5Of({ ETag: etag, SSECustomerAlgorithm: "AES256" })).toBeUndefined();
    const md5chksum = Buffer.from(hex, "hex").toString("base64");
    expect(md5Of({ ETag: etag, ServerSideEncryption: "aws:kms", Metadata: { md5chksum } })).toBe(hex);
  });
});

describe("toS3DriveError", () => {
  const sdk = (name: string, status?: number) =>
    Object.assign(new Error(`${name} says no`), {
      name,
      $metadata: status ? { httpStatusCode: status } : {},
    });

  it.each([
    [sdk("NoSuchKey", 404), FileNotFoundError, false],
    [sdk("NotFound", 404), FileNotFoundError, false],
    [sdk("NoSuchBucket", 404), DirectoryNotFoundError, false],
    [sdk("AccessDenied", 403), AuthenticationError, false],
    [sdk("InvalidAccessKeyId", 403), AuthenticationError, false],
    [sdk("SlowDown", 503), DriveError, true],
    [sdk("InternalError", 500), DriveError, true],
    [sdk("TooManyRequests", 429), DriveError, true],
    [sdk("RequestTimeout", 400), DriveError, true],
    [Object.assign(new Error("reset"), { code: "ECONNRESET" }), DriveError, true],
    [sdk("InvalidArgument", 400), DriveError, false],
  ])("converts %s", (error, type, retryable) => {
    const converted = toS3DriveError(error, "read", "a/b.txt") as DriveError;
    expect(converted).toBeInstanceOf(type);
    expect(converted.retryable).toBe(retryable);
    expect(converted.cause).toBe(error);
    expect(converted.message).toContain('"a/b.txt"');
  });

  it("maps a 404 on a directory operation to DirectoryNotFoundError and passes aborts through", () => {
    expect(toS3DriveError(sdk("NotFound", 404), "list", "d", "directory")).toBeInstanceOf(
      DirectoryNotFoundError,
    );
    const abort = Object.assign(new Error("aborted"), { name: "AbortError" });
    expect(toS3DriveError(abort, "read", "x")).toBe(abort);
  });
});

describe("defaultPathStyle", () => {
  it.each([
    [undefined, false],
    ["http://127.0.0.1:9000", true],
    ["https://abc.r2.cloudflarestorage.com", true],
    ["https://oss-cn-hangzhou.aliyuncs.com", false],
    ["https://cos.ap-guangzhou.myqcloud.com", false],
  ])("for %s is %s", (endpoint, expected) => {
    expect(defaultPathStyle(endpoint)).toBe(expected);
  });
});
