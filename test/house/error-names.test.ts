import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { root, shippedFiles } from "./imports.ts";

/** One idiom for an error's name: `override name = "<the class name>"`, a field, in every error class. */
const classes = shippedFiles().flatMap((file) => {
  const source = readFileSync(join(root, file), "utf8");
  return [...source.matchAll(/^(?:export )?class (\w+) extends (\w*Error)\b[^{]*\{([\s\S]*?)^\}/gm)].map(
    ([, name, base, body]) => ({ file, name: name!, base: base!, body: body! }),
  );
});

describe("error classes", () => {
  it("are found", () => {
    expect(classes.map((entry) => entry.name)).toEqual(expect.arrayContaining(["StoreError", "DriveError"]));
  });

  it('each name themselves with `override name = "<class>"`', () => {
    const offences = classes
      .filter(({ name, body }) => !body.includes(`override name = "${name}";`) || body.includes("this.name"))
      .map(({ file, name }) => `${file}: ${name}`);
    expect(offences).toEqual([]);
  });
});
