/**
 * `npm run build` (also run by `npm ci` through the `prepare` script, and by the test set-up): bundles
 * the CLI (lib/cli/main.ts and the commands it loads on demand) into dist/cli/ with esbuild, so
 * bin/syncron.js starts plain JavaScript instead of compiling TypeScript through tsx on every run.
 * Code splitting keeps each command in its own chunk: `syncron --version` loads a few kB, `syncron sync`
 * between two local folders loads no AWS SDK. A file is replaced only when its bytes change (temp +
 * rename), so a command running while the bundle is rebuilt never reads half a file.
 */
import { mkdir, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { dirname, join, relative, resolve } from "node:path";
import { build } from "esbuild";

const ROOT = resolve(import.meta.dirname, "..");
/** Where bin/syncron.js looks for the bundle. */
export const CLI_BUNDLE_DIR = join(ROOT, "dist/cli");

/** Some bundled packages are CommonJS and call `require` (Node built-ins): give the ESM bundle one. */
const BANNER =
  'import { createRequire as __syncronRequire } from "node:module";\nconst require = __syncronRequire(import.meta.url);';

/** Builds dist/cli/; resolves to the files it holds (relative paths). */
export async function buildCli(outdir = CLI_BUNDLE_DIR): Promise<string[]> {
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: ["lib/cli/main.ts"],
    outdir,
    entryNames: "[name]",
    chunkNames: "chunks/[name]-[hash]",
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "node",
    target: "node20",
    minify: true,
    keepNames: true,
    banner: { js: BANNER },
    // The dev stack's emulators stay in node_modules: dynalite stores through classic-level, a native
    // addon found next to its own files (node-gyp-build), and both are loaded only by `syncron dev`.
    external: ["dynalite", "fauxqs"],
    write: false,
    logLevel: "warning",
  });
  const wanted = new Set<string>();
  for (const file of result.outputFiles) {
    wanted.add(file.path);
    const old = await readFile(file.path).catch(() => undefined);
    if (old?.equals(file.contents)) continue;
    await mkdir(dirname(file.path), { recursive: true });
    const temp = `${file.path}.${process.pid}.tmp`;
    await writeFile(temp, file.contents);
    await rename(temp, file.path);
  }
  // Chunks of an older build (their names carry a content hash).
  const present = await readdir(outdir, { recursive: true, withFileTypes: true });
  for (const entry of present) {
    const path = join(entry.parentPath, entry.name);
    if (entry.isFile() && !wanted.has(path)) await rm(path, { force: true });
  }
  return [...wanted].map((path) => relative(outdir, path)).sort();
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const files = await buildCli();
  console.log(`syncron: built ${relative(ROOT, CLI_BUNDLE_DIR)}/ (${files.length} files)`);
}
