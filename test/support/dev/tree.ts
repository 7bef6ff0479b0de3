import { createHash, randomFillSync } from "node:crypto";
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { join, relative } from "node:path";

/** Writes `count` files of `size` random bytes under `root`, spread over `dirs` folders. */
export async function writeTree(root: string, count: number, size: number, dirs = 10): Promise<void> {
  const buffer = Buffer.alloc(size);
  for (let i = 0; i < count; i++) {
    const dir = join(root, `d${i % dirs}`);
    await mkdir(dir, { recursive: true });
    randomFillSync(buffer);
    await writeFile(join(dir, `f${i}.bin`), buffer);
  }
}

/** Every file under `root` (relative path → sha1 of the content), dotfiles included. */
export async function treeDigest(root: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const walk = async (dir: string) => {
    let entries: import("node:fs").Dirent[];
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) await walk(path);
      else
        out.set(
          relative(root, path),
          createHash("sha1")
            .update(await readFile(path))
            .digest("hex"),
        );
    }
  };
  await walk(root);
  return out;
}

/** Paths of files under `root`, dotfiles included (no contents read). */
export async function listFiles(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => relative(root, join(entry.parentPath, entry.name)));
}

export const PARTIAL = /(^|\/)\.[^/]*\.syncron-[0-9a-f]+\.partial$/;
