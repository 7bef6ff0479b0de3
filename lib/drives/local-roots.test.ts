import { mkdir, realpath, rm, symlink } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tempDir } from "../../test/support/temp-dir.ts";
import {
  assertLocalAllowed,
  confineLocal,
  LocalPathRefusedError,
  localRootsFrom,
  realPathOf,
} from "./local-roots.ts";
import { LocationError } from "./location.ts";

let base: string;
let allowed: string;
let outside: string;
beforeAll(async () => {
  base = await realpath(await tempDir("syncron-roots-"));
  [allowed, outside] = [join(base, "allowed"), join(base, "outside")];
  await mkdir(join(allowed, "photos"), { recursive: true });
  await mkdir(outside, { recursive: true });
  await symlink(outside, join(allowed, "escape"));
  await symlink(join(allowed, "photos"), join(base, "alias"));
});
afterAll(() => rm(base, { recursive: true, force: true }));

const roots = () => localRootsFrom(allowed, { roots: [], rule: "unused" });
const refusal = (path: string, given = roots()) => {
  try {
    assertLocalAllowed(path, given);
  } catch (error) {
    return error;
  }
  return undefined;
};

describe("local roots", () => {
  it("allows folders under a root, existing or not yet", () => {
    for (const path of [allowed, join(allowed, "photos"), join(allowed, "new", "deep")]) {
      expect(refusal(path), path).toBeUndefined();
    }
  });

  it("judges real paths: a symlink inside a root that leads out is refused, naming the real path and the rule", () => {
    const error = refusal(join(allowed, "escape", "x"));
    expect(error).toBeInstanceOf(LocalPathRefusedError);
    expect(error).toBeInstanceOf(LocationError);
    expect((error as Error).message).toBe(
      `local folder ${JSON.stringify(join(allowed, "escape", "x"))} (real path ${JSON.stringify(join(outside, "x"))}) refused: it is outside the allowed roots ${allowed} (SYNCRON_LOCAL_ROOTS)`,
    );
  });

  it("a symlink outside the roots that leads into one is allowed (its real path is inside)", () => {
    expect(refusal(join(base, "alias"))).toBeUndefined();
  });

  it("refuses paths outside, .. escapes and sibling names that share a prefix", () => {
    for (const path of ["/etc", "/", join(allowed, "..", "outside"), `${allowed}-evil`]) {
      expect(refusal(path), path).toBeInstanceOf(LocalPathRefusedError);
    }
  });

  it("with no roots refuses every local folder, naming why", () => {
    const none = localRootsFrom(undefined, { roots: [], rule: "SYNCRON_LOCAL_ROOTS is not set" });
    expect((refusal(allowed, none) as Error).message).toMatch(
      /local locations are off here \(SYNCRON_LOCAL_ROOTS is not set\)/,
    );
  });

  it("reads several roots, relative ones against the folder given, and falls back when blank", () => {
    const two = localRootsFrom(`allowed: ${outside}`, { roots: [], rule: "x" }, base);
    expect(two.roots).toEqual([allowed, outside]);
    expect(localRootsFrom("  ", { roots: [allowed], rule: "default" })).toEqual({
      roots: [allowed],
      rule: "default",
    });
    expect(realPathOf(join(base, "alias", "new"))).toBe(join(allowed, "photos", "new"));
  });

  it("confineLocal checks local locations before opening, and opens the others as they are", () => {
    const open = confineLocal((location: { kind: string }) => location.kind, roots());
    expect(open({ kind: "local", root: join(allowed, "photos") } as never)).toBe("local");
    expect(open({ kind: "webdav", url: "http://h/" } as never)).toBe("webdav");
    expect(() => open({ kind: "local", root: "/etc" } as never)).toThrow(LocalPathRefusedError);
  });
});
