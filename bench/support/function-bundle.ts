import { readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { gzipSync } from "node:zlib";
import { build, type Metafile } from "esbuild";
import { FUNCTION_NODEJS } from "../../infra/function-bundle.ts";

const ROOT = resolve(import.meta.dirname, "../..");
/** SST v3's banner (pkg/runtime/node/build.go): CommonJS helpers for bundled packages that need them. */
const SST_BANNER = [
  `import { createRequire as topLevelCreateRequire } from 'module';`,
  "const require = topLevelCreateRequire(import.meta.url);",
  `import { fileURLToPath as topLevelFileUrlToPath, URL as topLevelURL } from "url"`,
  "const __filename = topLevelFileUrlToPath(import.meta.url)",
  `const __dirname = topLevelFileUrlToPath(new topLevelURL(".", import.meta.url))`,
].join("\n");

/** Files of a bundle: their bytes, gzipped bytes, and the packages inside by bytes. */
export interface FileSet {
  readonly files: readonly string[];
  readonly bytes: number;
  readonly gzipBytes: number;
  /** Largest first. */
  readonly packages: readonly { readonly package: string; readonly bytes: number }[];
}

export interface FunctionBundle {
  /** The handler's own file, what Lambda imports. */
  readonly entry: string;
  /** What importing the handler loads: its file and every file it imports statically, transitively. */
  readonly coldStart: FileSet;
  /** Each drive's code (lib/drives/…, imported with `import()`): the files it adds to the cold-start set. */
  readonly drives: readonly (FileSet & { readonly drive: string; readonly entry: string })[];
  /** Every file of the package Lambda stores. */
  readonly all: FileSet;
}

/**
 * Bundles `functions/<name>.ts` as SST v3 does for deploy (esbuild: platform node, format esm,
 * target esnext, bundle, minify, keepNames, mainFields module/main, its createRequire banner; only
 * `sharp` and `pg-native` external) with infra's `nodejs` settings (FUNCTION_NODEJS: splitting),
 * into `outdir`, and says which files a cold start loads.
 */
export async function bundleFunction(name: string, outdir: string): Promise<FunctionBundle> {
  const built = await build({
    entryPoints: [join(ROOT, "functions", `${name}.ts`)],
    outdir,
    outExtension: { ".js": ".mjs" },
    splitting: FUNCTION_NODEJS.splitting,
    platform: "node",
    format: "esm",
    target: "esnext",
    bundle: true,
    minify: true,
    keepNames: true,
    mainFields: ["module", "main"],
    external: ["sharp", "pg-native"],
    banner: { js: SST_BANNER },
    metafile: true,
    logLevel: "error",
  });
  const outputs = built.metafile.outputs;
  const entryOut = Object.keys(outputs).find((file) =>
    outputs[file]?.entryPoint?.endsWith(`functions/${name}.ts`),
  );
  if (!entryOut) throw new Error(`no output for functions/${name}.ts`);
  const coldFiles = staticClosure(outputs, entryOut);
  const drives = Object.keys(outputs)
    .filter((file) => /lib\/drives\/[a-z0-9-]+\/[a-z0-9-]+-drive\.ts$/.test(outputs[file]?.entryPoint ?? ""))
    .map(async (file) => {
      const added = [...staticClosure(outputs, file)].filter((f) => !coldFiles.has(f));
      const drive = /([a-z0-9]+)-drive\.ts$/.exec(outputs[file]!.entryPoint!)![1]!;
      return { drive, entry: resolve(file), ...(await fileSet(outputs, added)) };
    });
  return {
    entry: resolve(entryOut),
    coldStart: await fileSet(outputs, [...coldFiles]),
    drives: await Promise.all(drives),
    all: await fileSet(outputs, Object.keys(outputs)),
  };
}

function staticClosure(outputs: Metafile["outputs"], from: string): Set<string> {
  const seen = new Set<string>([from]);
  const queue = [from];
  for (let file = queue.pop(); file !== undefined; file = queue.pop()) {
    for (const imported of outputs[file]?.imports ?? []) {
      if (imported.kind !== "import-statement" || imported.external || seen.has(imported.path)) continue;
      seen.add(imported.path);
      queue.push(imported.path);
    }
  }
  return seen;
}

async function fileSet(outputs: Metafile["outputs"], files: readonly string[]): Promise<FileSet> {
  let bytes = 0;
  let gzipBytes = 0;
  const byPackage = new Map<string, number>();
  for (const file of files) {
    const output = outputs[file]!;
    bytes += output.bytes;
    gzipBytes += gzipSync(await readFile(file)).length;
    for (const [input, info] of Object.entries(output.inputs)) {
      const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
      const key = match ? match[1]! : "syncron (lib, functions, infra)";
      byPackage.set(key, (byPackage.get(key) ?? 0) + info.bytesInOutput);
    }
  }
  const packages = [...byPackage.entries()]
    .sort((a, b) => b[1] - a[1])
    .map(([pkg, size]) => ({ package: pkg, bytes: size }));
  return { files: files.map((file) => resolve(file)), bytes, gzipBytes, packages };
}
