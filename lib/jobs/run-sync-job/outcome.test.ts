import { describe, expect, it } from "vitest";
import type { SyncResult } from "../../sync/index.ts";
import { errorOfResult } from "./outcome.ts";

const failed = (result: Partial<SyncResult>): SyncResult => ({
  status: "FAILURE",
  copied: 0,
  updated: 0,
  deleted: 0,
  skipped: 0,
  failed: 0,
  bytes_transferred: 0,
  files_checked: 0,
  duration_ms: 1,
  errors: [],
  retryable: false,
  ...result,
});

describe("errorOfResult", () => {
  it("says a listing failed, not that 0 files did, when only a listing failed", () => {
    const error = {
      path: "/",
      op: "list",
      message: "cannot list the source ./nope: the root folder not found",
    };
    expect(errorOfResult(failed({ errors: [error] as SyncResult["errors"] }))).toEqual({
      code: "SYNC_FAILED",
      message:
        "1 folder listing(s) failed: first error list /: cannot list the source ./nope: the root folder not found",
    });
  });

  it("counts failed files and listings together", () => {
    const errors = [
      { path: "a.txt", op: "write", message: "disk full" },
      { path: "sub", op: "list", message: "permission denied" },
    ] as SyncResult["errors"];
    expect(errorOfResult(failed({ failed: 1, errors }))?.message).toBe(
      "1 file(s) and 1 folder listing(s) failed: first error write a.txt: disk full",
    );
    expect(errorOfResult(failed({}))?.message).toBe("the sync failed");
  });
});
