import { describe, expect, it } from "vitest";
import {
  DirectoryNotEmptyError,
  DirectoryNotFoundError,
  DriveError,
  FileNotFoundError,
  IsADirectoryError,
  isRetryable,
} from "../errors.ts";
import { fromNodeError } from "./node-errors.ts";

const nodeError = (code: string) => Object.assign(new Error(`${code}: boom`), { code, syscall: "open" });

describe("fromNodeError", () => {
  it("maps not-found codes to the kind the caller expected", () => {
    expect(fromNodeError(nodeError("ENOENT"), "a", "file")).toBeInstanceOf(FileNotFoundError);
    expect(fromNodeError(nodeError("ENOTDIR"), "a", "file")).toBeInstanceOf(FileNotFoundError);
    expect(fromNodeError(nodeError("ENOENT"), "a", "directory")).toBeInstanceOf(DirectoryNotFoundError);
  });

  it("maps EISDIR and ENOTEMPTY", () => {
    expect(fromNodeError(nodeError("EISDIR"), "a", "file")).toBeInstanceOf(IsADirectoryError);
    expect(fromNodeError(nodeError("ENOTEMPTY"), "a", "directory")).toBeInstanceOf(DirectoryNotEmptyError);
  });

  it("marks permission errors final and descriptor exhaustion retryable, keeping the cause", () => {
    const cause = nodeError("EACCES");
    const denied = fromNodeError(cause, "a", "file") as DriveError;
    expect(denied).toBeInstanceOf(DriveError);
    expect(denied.cause).toBe(cause);
    expect(isRetryable(denied)).toBe(false);
    for (const code of ["EMFILE", "EBUSY"])
      expect(isRetryable(fromNodeError(nodeError(code), "a", "file"))).toBe(true);
  });

  it("passes errors that did not come from a syscall through unchanged", () => {
    const sourceError = new DriveError("source 503", "a", { retryable: true });
    expect(fromNodeError(sourceError, "a", "file")).toBe(sourceError);
    const plain = new Error("body broke");
    expect(fromNodeError(plain, "a", "file")).toBe(plain);
  });
});
