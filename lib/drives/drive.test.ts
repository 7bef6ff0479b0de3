import { describe, expect, it } from "vitest";
import { baseName, joinPath, parentOf } from "./drive.ts";

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
