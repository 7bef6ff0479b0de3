import { describe, expect, it } from "vitest";
import { baseName, checkPath, joinPath, parentOf } from "./drive.ts";
import { InvalidPathError } from "./errors.ts";

describe("drive paths", () => {
  it("joins segments without empty parts", () => {
    expect(joinPath("", "a", "", "b.txt")).toBe("a/b.txt");
    expect(joinPath("")).toBe("");
  });

  it("splits a path into parent and base name", () => {
    expect(parentOf("a/b/c.txt")).toBe("a/b");
    expect(parentOf("c.txt")).toBe("");
    expect(baseName("a/b/c.txt")).toBe("c.txt");
  });
});

describe("checkPath", () => {
  it("accepts relative paths, including dots inside names", () => {
    expect(checkPath("a/b c/..hidden/ünï.txt")).toBe("a/b c/..hidden/ünï.txt");
    expect(checkPath("", { allowRoot: true })).toBe("");
  });

  it("rejects paths that are empty, absolute, dotted, doubled, trailing or hold NUL", () => {
    for (const path of ["", "/a", "a/", "a//b", ".", "..", "a/./b", "a/../b", "../a", "a\0b"]) {
      expect(() => checkPath(path), path).toThrow(InvalidPathError);
    }
  });
});
