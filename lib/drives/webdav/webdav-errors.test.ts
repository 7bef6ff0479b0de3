import { describe, expect, it } from "vitest";
import { AuthenticationError, DirectoryNotFoundError, DriveError, FileNotFoundError } from "../errors.ts";
import { toWebdavDriveError } from "./webdav-errors.ts";

const httpError = (status: number) => Object.assign(new Error(`Invalid response: ${status}`), { status });

describe("toWebdavDriveError", () => {
  it.each([
    [httpError(404), FileNotFoundError, false],
    [httpError(401), AuthenticationError, false],
    [httpError(403), AuthenticationError, false],
    [httpError(423), DriveError, true],
    [httpError(429), DriveError, true],
    [httpError(408), DriveError, true],
    [httpError(500), DriveError, true],
    [httpError(503), DriveError, true],
    [httpError(507), DriveError, false],
    [httpError(409), DriveError, false],
    [Object.assign(new Error("socket hang up"), { code: "ECONNRESET" }), DriveError, true],
    [new Error("weird"), DriveError, false],
  ])("converts %s", (error, type, retryable) => {
    const converted = toWebdavDriveError(error, "read", "a b.txt") as DriveError;
    expect(converted).toBeInstanceOf(type);
    expect(converted.retryable).toBe(retryable);
    expect(converted.cause).toBe(error);
    expect(converted.message).toContain('webdav read "a b.txt" failed');
  });

  it("maps 404 on directory operations to DirectoryNotFoundError and passes aborts through", () => {
    expect(toWebdavDriveError(httpError(404), "list", "d", "directory")).toBeInstanceOf(
      DirectoryNotFoundError,
    );
    const abort = Object.assign(new Error("aborted"), { name: "AbortError" });
    expect(toWebdavDriveError(abort, "read", "x")).toBe(abort);
  });
});
