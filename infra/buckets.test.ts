import { describe, expect, it } from "vitest";
import { ABORT_UPLOADS_RULE, withAbortAction } from "./buckets.ts";

describe("withAbortAction", () => {
  it("gives the abort rule its action over the whole bucket and leaves the other rules as they are", () => {
    const expire = { id: "ReportsLifecycleRule0", status: "Enabled", expiration: { days: 30 } };
    expect(withAbortAction([expire, { ...ABORT_UPLOADS_RULE, status: "Enabled" }])).toEqual([
      expire,
      {
        id: "abort-incomplete-multipart-uploads",
        status: "Enabled",
        filter: { prefix: "" },
        abortIncompleteMultipartUpload: { daysAfterInitiation: 1 },
      },
    ]);
  });
});
