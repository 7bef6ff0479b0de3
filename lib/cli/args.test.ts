import { describe, expect, it } from "vitest";
import { oneOf, parseFlags, UsageError, wholeNumber } from "./args.ts";

describe("parseFlags", () => {
  it("returns values and positionals", () => {
    const parsed = parseFlags(["a", "--n", "3", "--json"], {
      n: { type: "string" },
      json: { type: "boolean" },
    });
    expect({ values: { ...parsed.values }, positionals: parsed.positionals }).toEqual({
      values: { n: "3", json: true },
      positionals: ["a"],
    });
  });

  it("turns an unknown flag into a one-sentence UsageError", () => {
    expect(() => parseFlags(["--bogus"], {})).toThrow(new UsageError("Unknown option '--bogus'"));
  });
});

describe("wholeNumber", () => {
  it("takes the fallback when absent and a number in range when present", () => {
    expect(wholeNumber("--n", undefined, 4, { max: 9 })).toBe(4);
    expect(wholeNumber("--n", "9", 4, { max: 9 })).toBe(9);
    expect(wholeNumber("--port", "0", 1, { min: 0, max: 9 })).toBe(0);
  });

  it.each(["0", "10", "1.5", "-1", "", "3x"])("refuses %j, naming the flag and the value", (value) => {
    expect(() => wholeNumber("--n", value, 4, { max: 9 })).toThrow(
      new UsageError(`--n: ${JSON.stringify(value)} is not a whole number 1-9`),
    );
  });
});

describe("oneOf", () => {
  it("takes the fallback when absent and an allowed value when present", () => {
    expect(oneOf("--mode", undefined, ["copy", "mirror"], "copy")).toBe("copy");
    expect(oneOf("--mode", "mirror", ["copy", "mirror"], "copy")).toBe("mirror");
  });

  it("refuses anything else, listing the allowed values", () => {
    expect(() => oneOf("--mode", "sync", ["copy", "mirror"], "copy")).toThrow(
      new UsageError('--mode: "sync" is not one of copy, mirror'),
    );
  });
});
