import { existsSync } from "node:fs";
import { mkdir, open, readFile, rm, stat, utimes, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { mapLimit } from "../../lib/util/map-limit.ts";

/** A generated tree: `files` files of `minSize`–`maxSize` bytes, about 100 per folder, nested 2–3 deep. */
export interface TreeSpec {
  files: number;
  minSize: number;
  maxSize: number;
  seed: number;
}

/** Mod times start here (whole seconds, so every drive and tool keeps them exactly). */
const BASE_MTIME_S = Date.UTC(2024, 0, 1) / 1000;
const POOL_SIZE = 1 << 20;
const WRITES_IN_FLIGHT = 32;
const MARKER = ".bench-tree.json";

/** mulberry32: a small deterministic PRNG, so both tools always get byte-identical trees. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Incompressible-looking bytes from the seed (what file contents are sliced from). */
export function pool(seed: number, size = POOL_SIZE + (64 << 10)): Buffer {
  const random = prng(seed);
  const buffer = Buffer.allocUnsafe(size);
  for (let i = 0; i + 4 <= size; i += 4) buffer.writeUInt32LE((random() * 4294967296) >>> 0, i);
  return buffer;
}

/** The relative path of file `i`: ~100 files per leaf folder, a square-ish grid of folders, every 7th one level deeper. */
export function treePath(i: number, files: number): string {
  const leaves = Math.max(1, Math.ceil(files / 100));
  const top = Math.ceil(Math.sqrt(leaves));
  const leaf = i % leaves;
  const deeper = i % 7 === 0 ? `/g${i % 3}` : "";
  return `d${leaf % top}/e${Math.floor(leaf / top)}${deeper}/f${i}.bin`;
}

/** The bytes of file `i` in `version` (index and version stamped in, so no two are equal). */
function contentOf(bytes: Buffer, i: number, spec: TreeSpec, version = 0): Buffer {
  const random = prng(spec.seed * 1_000_003 + i * 7919 + version);
  const size = spec.minSize + Math.floor(random() * (spec.maxSize - spec.minSize + 1));
  const offset = Math.floor(random() * (bytes.length - Math.min(size, bytes.length)));
  const out = Buffer.from(bytes.subarray(offset, offset + size));
  if (out.length >= 8) {
    out.writeUInt32LE(i, 0);
    out.writeUInt32LE(version, 4);
  }
  return out;
}

/**
 * Writes the tree under `root` unless a previous call left the same one there (a marker file
 * records the spec). Returns the relative paths of its files.
 */
export async function makeTree(root: string, spec: TreeSpec): Promise<string[]> {
  const paths = Array.from({ length: spec.files }, (_, i) => treePath(i, spec.files));
  const marker = JSON.stringify(spec);
  if (await hasTree(root, spec)) return paths;
  await rm(root, { recursive: true, force: true });
  const bytes = pool(spec.seed);
  const dirs = new Set(paths.map((path) => dirname(join(root, path))));
  for (const dir of dirs) await mkdir(dir, { recursive: true });
  await mapLimit(paths, WRITES_IN_FLIGHT, async (path, i) => {
    const file = join(root, path);
    await writeFile(file, contentOf(bytes, i, spec));
    await utimes(file, BASE_MTIME_S + i, BASE_MTIME_S + i);
  });
  await writeFile(markerPath(root), marker);
  return paths;
}

/** The marker lives beside the tree (not in it), so the tree holds only the generated files. */
const markerPath = (root: string): string => `${root}${MARKER}`;

/** True when `makeTree(root, spec)` would reuse what is there. */
export async function hasTree(root: string, spec: TreeSpec): Promise<boolean> {
  return (
    existsSync(root) && (await readFile(markerPath(root), "utf8").catch(() => "")) === JSON.stringify(spec)
  );
}

/**
 * Changes `count` distinct files (chosen by `round`): new bytes, a new size and a later mod time, so
 * every tool sees the change whatever it compares (size only on a WebDAV server that cannot keep
 * mod times). Returns the changed paths.
 */
export async function changeFiles(
  root: string,
  spec: TreeSpec,
  count: number,
  round: number,
): Promise<string[]> {
  const random = prng(spec.seed * 31 + round);
  const chosen = new Set<number>();
  while (chosen.size < Math.min(count, spec.files)) chosen.add(Math.floor(random() * spec.files));
  const bytes = pool(spec.seed + 7 + round);
  const changed: string[] = [];
  for (const i of chosen) {
    const path = treePath(i, spec.files);
    const file = join(root, path);
    const { size } = await stat(file);
    let body = contentOf(bytes, i, spec, round + 1);
    if (body.length === size) body = body.subarray(0, size - 1);
    const mtime = BASE_MTIME_S + 100_000_000 + round * 10_000 + changed.length;
    await writeFile(file, body);
    await utimes(file, mtime, mtime);
    changed.push(path);
  }
  return changed;
}

/** `count` files of `size` bytes at the root (the large-file case). */
export async function makeBigFiles(
  root: string,
  count: number,
  size: number,
  seed: number,
): Promise<string[]> {
  const spec = { count, size, seed };
  const marker = JSON.stringify(spec);
  const paths = Array.from({ length: count }, (_, i) => `big${String(i).padStart(2, "0")}.bin`);
  if ((await readFile(markerPath(root), "utf8").catch(() => "")) === marker) return paths;
  await rm(root, { recursive: true, force: true });
  await mkdir(root, { recursive: true });
  const bytes = pool(seed);
  for (const [i, path] of paths.entries()) {
    const file = join(root, path);
    const handle = await open(file, "w");
    try {
      for (let written = 0; written < size; ) {
        const chunk = bytes.subarray(0, Math.min(POOL_SIZE, size - written));
        chunk.writeUInt32LE(i, 0);
        chunk.writeUInt32LE(written / POOL_SIZE, 4);
        await handle.write(chunk);
        written += chunk.length;
      }
    } finally {
      await handle.close();
    }
    await utimes(file, BASE_MTIME_S + i, BASE_MTIME_S + i);
  }
  await writeFile(markerPath(root), marker);
  return paths;
}
