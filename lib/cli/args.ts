/** Argument checks shared by the `syncron` commands: one UsageError, one flag parser, one number rule. */
import { parseArgs } from "node:util";

/** Bad flags or arguments: `main` prints the message and the command's usage, and exits 2. */
export class UsageError extends Error {
  override name = "UsageError";
}

type FlagSpec = Record<string, { type: "string" | "boolean"; multiple?: boolean }>;

/**
 * Parses `args` strictly (unknown flags are errors) with positionals allowed. Throws UsageError with
 * the first sentence of Node's message (the rest is advice about "--" that does not help here).
 */
export function parseFlags<const O extends FlagSpec>(args: string[], options: O) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError((error instanceof Error ? error.message : String(error)).split(". ")[0] ?? "");
  }
}

/** The flag's value as a whole number from `min` to `max`, or `fallback` when the flag is absent. */
export function wholeNumber(
  flag: string,
  value: string | undefined,
  fallback: number,
  range: { min?: number; max: number },
): number {
  if (value === undefined) return fallback;
  const min = range.min ?? 1;
  const n = Number(value);
  if (!/^[0-9]+$/.test(value) || n < min || n > range.max) {
    throw new UsageError(`${flag}: ${JSON.stringify(value)} is not a whole number ${min}-${range.max}`);
  }
  return n;
}

/** The flag's value when it is one of `allowed`, or `fallback` when the flag is absent. */
export function oneOf<T extends string>(
  flag: string,
  value: string | undefined,
  allowed: readonly T[],
  fallback: T,
): T {
  if (value === undefined) return fallback;
  const found = allowed.find((candidate) => candidate === value);
  if (found === undefined) {
    throw new UsageError(`${flag}: ${JSON.stringify(value)} is not one of ${allowed.join(", ")}`);
  }
  return found;
}
