import { describe, expect, it } from "vitest";
import { importsOf, resolvedFrom, shippedFiles } from "./imports.ts";

/**
 * The rooms of shipped code, from the top down. A product file may import its own room, a room on
 * its row, or a room on a lower row, never a higher one; and no chain of imports comes back to where
 * it started. Type-only imports count: a lower room does not know a higher room's types either.
 * A new room goes on the row its imports allow.
 */
const LAYERS: readonly (readonly string[])[] = [
  // web is the dashboard, built for the browser: it talks to the API over HTTP only (checked below).
  ["functions", "web"],
  ["cli"],
  ["dev"],
  ["api"],
  ["jobs"],
  ["sync", "store", "queue", "schedule", "reports"],
  ["drives", "cron", "secrets"],
  ["util", "env"],
];

const rowOf = new Map(LAYERS.flatMap((rooms, row) => rooms.map((room) => [room, row] as const)));

/** `lib/jobs/x.ts` → `jobs`, `lib/env.ts` → `env`, `functions/api.ts` → `functions`. */
const roomOf = (file: string): string => {
  const [top, room] = file.split("/");
  return top === "lib" ? (room ?? "").replace(/\.ts$/, "") : (top ?? "");
};

const shipped = shippedFiles();
/** Each shipped file and the shipped files it imports. */
const graph = new Map(
  shipped.map((file) => [
    file,
    importsOf(file, { types: true })
      .filter((spec) => spec.startsWith("."))
      .map((spec) => resolvedFrom(file, spec)),
  ]),
);

/** The import circles of `graph`: its strongly connected parts with more than one file, or a file importing itself. */
function circles(edges: ReadonlyMap<string, readonly string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const found: string[][] = [];
  const visit = (file: string): void => {
    index.set(file, index.size);
    low.set(file, index.get(file)!);
    stack.push(file);
    for (const next of edges.get(file) ?? []) {
      if (!edges.has(next)) continue;
      if (!index.has(next)) {
        visit(next);
        low.set(file, Math.min(low.get(file)!, low.get(next)!));
      } else if (stack.includes(next)) {
        low.set(file, Math.min(low.get(file)!, index.get(next)!));
      }
    }
    if (low.get(file) !== index.get(file)) return;
    const part: string[] = [];
    let member: string | undefined;
    do {
      member = stack.pop()!;
      part.push(member);
    } while (member !== file);
    if (part.length > 1 || edges.get(file)?.includes(file)) found.push(part.sort());
  };
  for (const file of edges.keys()) if (!index.has(file)) visit(file);
  return found;
}

describe("the layers of shipped code", () => {
  it("reads the imports of shipped files, type-only ones too", () => {
    expect(graph.get("lib/jobs/worker-handler.ts")).toContain("lib/jobs/run-sync-job/run-sync-job.ts");
    expect(graph.get("lib/jobs/run-metrics.ts")).toEqual(["lib/jobs/run-sync-job/types.ts"]);
  });

  it("places every room on a row", () => {
    const unplaced = [...new Set(shipped.map(roomOf))].filter((room) => !rowOf.has(room));
    expect(unplaced, "add the room to LAYERS in test/house/layers.test.ts").toEqual([]);
  });

  it("imports only from its own row or a lower one", () => {
    const upward = [...graph].flatMap(([file, targets]) =>
      targets
        .filter((target) => (rowOf.get(roomOf(target)) ?? Infinity) < (rowOf.get(roomOf(file)) ?? -1))
        .map((target) => `${file} imports ${target} (${roomOf(target)} is above ${roomOf(file)})`),
    );
    expect(upward).toEqual([]);
  });

  it("keeps the dashboard (lib/web) apart: it imports no server code", () => {
    const server = [...graph]
      .filter(([file]) => roomOf(file) === "web")
      .flatMap(([file, targets]) =>
        targets.filter((t) => roomOf(t) !== "web").map((t) => `${file} imports ${t}`),
      );
    expect(server).toEqual([]);
  });

  it("has no import circle", () => {
    expect(circles(graph)).toEqual([]);
  });

  it("finds a circle when there is one", () => {
    const edges = new Map([
      ["a", ["b"]],
      ["b", ["c"]],
      ["c", ["a", "d"]],
      ["d", []],
      ["e", ["e"]],
    ]);
    expect(circles(edges)).toEqual([["a", "b", "c"], ["e"]]);
  });
});
