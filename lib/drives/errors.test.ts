import { describe, expect, it } from "vitest";
import {
  AuthenticationError,
  DirectoryNotFoundError,
  DriveError,
  FileNotFoundError,
  type HttpFailure,
  statusToDriveError,
} from "./errors.ts";

const failure = (overrides: Partial<HttpFailure>): HttpFailure => ({
  status: undefined,
  message: 'x read "a" failed',
  path: "a",
  missing: "file",
  ...overrides,
});

describe("statusToDriveError", () => {
  it.each([
    [{ status: 404 }, FileNotFoundError, false],
    [{ status: 404, missing: "directory" as const }, DirectoryNotFoundError, false],
    [{ status: 400, notFound: true }, FileNotFoundError, false],
    [{ status: 401 }, AuthenticationError, false],
    [{ status: 403 }, AuthenticationError, false],
    [{ status: 400, denied: true }, AuthenticationError, false],
    [{ status: 408 }, DriveError, true],
    [{ status: 429 }, DriveError, true],
    [{ status: 503 }, DriveError, true],
    [{ status: 409 }, DriveError, false],
    [{ status: 409, retryable: true }, DriveError, true],
  ])("maps %j", (overrides, type, retryable) => {
    const cause = new Error("backend said no");
    const converted = statusToDriveError(cause, failure(overrides)) as DriveError;
    expect(converted).toBeInstanceOf(type);
    expect({ retryable: converted.retryable, path: converted.path, message: converted.message }).toEqual({
      retryable,
      path: "a",
      message: 'x read "a" failed',
    });
    expect(converted.cause).toBe(cause);
  });

  it("without a status, asks the cause whether a retry can help", () => {
    const reset = Object.assign(new Error("socket hang up"), { code: "ECONNRESET" });
    expect((statusToDriveError(reset, failure({})) as DriveError).retryable).toBe(true);
    expect((statusToDriveError(new Error("odd"), failure({})) as DriveError).retryable).toBe(false);
  });

  it("passes drive errors and aborts through unchanged", () => {
    const drive = new FileNotFoundError("gone", "a");
    const abort = Object.assign(new Error("aborted"), { name: "AbortError" });
    expect(statusToDriveError(drive, failure({ status: 500 }))).toBe(drive);
    expect(statusToDriveError(abort, failure({ status: 500 }))).toBe(abort);
  });
});
