import { afterEach, describe, expect, it, vi } from "vitest";
import { main } from "../lib/cli/main.ts";

afterEach(() => vi.restoreAllMocks());

describe("syncron sync: secrets in bad locations", () => {
  it.each([
    "webdav://me:12/topsecret@host/x",
    "webdav://me:top?secret@host:99999/x",
    "webdav://me:top#secret@host/x",
    "s3://AKIAEXAMPLE:abc/topsecret+xyz@bucket/p",
    "s3://AKIAEXAMPLE:topsecret@bucket/p?regoin=x",
  ])("prints %s redacted in its usage error (exit 2)", async (location) => {
    const err: string[] = [];
    vi.spyOn(console, "error").mockImplementation((line: unknown) => void err.push(String(line)));
    expect(await main(["sync", location, "/tmp/syncron-never-used"])).toBe(2);
    expect(err.join("\n")).toContain("***");
    expect(err.join("\n")).not.toMatch(/topsecret|AKIAEXAMPLE|12\//);
  });
});
