import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { importsOf, resolvedFrom, root } from "./imports.ts";

/**
 * A test's file name says its tier (vitest.config.ts): `*.e2e.test.ts` spawns processes (syncron, a
 * browser, the bench), `*.int.test.ts` starts emulators or real servers, any other `*.test.ts` is unit:
 * pure code, the memory drive, temp files, nothing started. This reads what each test file does, and
 * what the test kit it imports (test/, bench/) does, and names every file in the wrong tier.
 */

type Tier = "unit" | "integration" | "e2e";

const tierOf = (file: string): Tier =>
  file.endsWith(".e2e.test.ts") ? "e2e" : file.endsWith(".int.test.ts") ? "integration" : "unit";

const testFiles = (): string[] =>
  ["lib", "functions", "test", "bench", "infra"].flatMap((dir) =>
    readdirSync(join(root, dir), { withFileTypes: true, recursive: true })
      .filter((entry) => entry.isFile() && entry.name.endsWith(".test.ts"))
      .map((entry) => relative(root, join(entry.parentPath, entry.name))),
  );

/** Modules that start something when used: emulators, servers, the dev stack. */
const STARTERS = [
  /^dynalite$/,
  /^fauxqs$/,
  /^webdav-server/,
  /^lib\/dev\/emulators\//,
  /^lib\/dev\/dev-stack\.ts$/,
  /^lib\/dev\/http-server\.ts$/,
  /^test\/support\/emulators\//,
];
/** Modules that run syncron or a browser in another process: e2e only. */
const SPAWNERS = [/^playwright-core/, /^test\/support\/dev\/dev-process\.ts$/, /^bench\/support\/smoke\.ts$/];
/** What a source text does itself, without a module: a process, a listening socket. */
const SPAWNS = /\bnode:child_process\b|["']child_process["']/;
const LISTENS = /\.listen\(|\bcreateServer\(/;

interface Traits {
  readonly starts: string[];
  readonly spawnsSyncron: string[];
}

/** What `file` and the test kit it imports (transitively) start and spawn, each with the file that does it. */
function traitsOf(file: string): Traits {
  const starts = new Set<string>();
  const spawnsSyncron = new Set<string>();
  const seen = new Set([file]);
  const queue = [file];
  while (queue.length > 0) {
    const current = queue.pop()!;
    const source = readFileSync(join(root, current), "utf8");
    if (SPAWNS.test(source)) starts.add(`${current} spawns a process`);
    if (LISTENS.test(source)) starts.add(`${current} listens`);
    for (const specifier of importsOf(current, { types: false })) {
      const target = specifier.startsWith(".") ? resolvedFrom(current, specifier) : specifier;
      if (STARTERS.some((pattern) => pattern.test(target))) starts.add(`${current} imports ${target}`);
      if (SPAWNERS.some((pattern) => pattern.test(target))) spawnsSyncron.add(`${current} imports ${target}`);
      const kit = /^(test|bench)\//.test(target) && /\.(ts|mjs)$/.test(target);
      if (kit && !seen.has(target) && existsSync(join(root, target))) {
        seen.add(target);
        queue.push(target);
      }
    }
  }
  return { starts: [...starts], spawnsSyncron: [...spawnsSyncron] };
}

const files = testFiles();

describe("test tiers", () => {
  it("has test files in every tier", () => {
    for (const tier of ["unit", "integration", "e2e"] as const) {
      expect(files.filter((file) => tierOf(file) === tier).length, tier).toBeGreaterThan(5);
    }
  });

  it("keeps unit tests free of emulators, servers and processes (else name them *.int or *.e2e)", () => {
    const offences = files
      .filter((file) => tierOf(file) === "unit")
      .flatMap((file) => {
        const { starts, spawnsSyncron } = traitsOf(file);
        return [...starts, ...spawnsSyncron].map((why) => `${file}: ${why}`);
      });
    expect(offences).toEqual([]);
  });

  it("runs syncron, a browser or the bench in another process only in e2e tests (*.e2e.test.ts)", () => {
    const offences = files
      .filter((file) => tierOf(file) !== "e2e")
      .flatMap((file) => traitsOf(file).spawnsSyncron.map((why) => `${file}: ${why}`));
    expect(offences).toEqual([]);
  });
});
