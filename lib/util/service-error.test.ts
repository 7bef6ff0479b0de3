import { describe, expect, it } from "vitest";
import { DriveError } from "../drives/errors.ts";
import { QueueError } from "../queue/errors.ts";
import { SchedulerError } from "../schedule/errors.ts";
import { isRetryable, isRetryableStatus, ServiceError } from "./service-error.ts";

describe("isRetryable", () => {
  it.each([
    ["a retryable QueueError", new QueueError("send failed", { retryable: true }), true],
    ["a final SchedulerError", new SchedulerError("create failed"), false],
    ["a retryable DriveError", new DriveError("read failed", "a", { retryable: true }), true],
    ["a 503 SDK error", Object.assign(new Error("x"), { $metadata: { httpStatusCode: 503 } }), true],
    ["a 408 status", Object.assign(new Error("x"), { status: 408 }), true],
    ["a 400 status", Object.assign(new Error("x"), { status: 400 }), false],
    ["a reset connection", Object.assign(new Error("x"), { code: "ECONNRESET" }), true],
    ["a plain error", new Error("x"), false],
    ["not an error", undefined, false],
  ])("says %s is %s", (_label, error, expected) => {
    expect(isRetryable(error)).toBe(expected);
  });

  it("lets the first ServiceError in the cause chain decide", () => {
    const final = new SchedulerError("bad request", {
      cause: Object.assign(new Error("x"), { status: 503 }),
    });
    expect(isRetryable(new Error("outer", { cause: final }))).toBe(false);
    const transient = new QueueError("throttled", { retryable: true });
    expect(isRetryable(new Error("outer", { cause: transient }))).toBe(true);
  });
});

describe("ServiceError", () => {
  it("is the base of drive, queue and scheduler errors and keeps its cause", () => {
    const cause = new Error("sdk");
    const errors = [
      new DriveError("d", "p", { cause }),
      new QueueError("q", { cause }),
      new SchedulerError("s", { cause }),
    ];
    expect(errors.map((e) => [e instanceof ServiceError, e.name, e.cause === cause, e.retryable])).toEqual([
      [true, "DriveError", true, false],
      [true, "QueueError", true, false],
      [true, "SchedulerError", true, false],
    ]);
    expect([408, 429, 500, 502, 503, 504, 509].every(isRetryableStatus)).toBe(true);
    // 507: a full drive stays full; 501: the server cannot do it. Retrying only delays the same answer.
    expect([404, 409, 501, 505, 507, 508, 511].some(isRetryableStatus)).toBe(false);
  });
});
