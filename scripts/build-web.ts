/**
 * `npm run build:web` (also run by `npm ci` through `prepare`, and by the browser tests): builds the
 * dashboard (lib/web, Preact) with Vite into dist/web/, and the API reference page dist/web/docs/
 * (Swagger UI from the swagger-ui-dist package, no CDN) reading the API's /openapi.json.
 * `VITE_API_URL` (SST sets it for the stage's static site) is where both call the API; empty = same origin.
 */
import { copyFile, mkdir, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join, relative, resolve } from "node:path";
import { build } from "vite";

const ROOT = resolve(import.meta.dirname, "..");
export const WEB_DIST_DIR = join(ROOT, "dist/web");

const DOCS_HTML = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>syncron API reference</title>
    <link rel="stylesheet" href="./swagger-ui.css" />
  </head>
  <body>
    <main id="swagger-ui"></main>
    <script src="./swagger-ui-bundle.js"></script>
    <script src="./init.js"></script>
  </body>
</html>
`;

const docsInit = (apiUrl: string) =>
  `window.ui = SwaggerUIBundle({ url: ${JSON.stringify(`${apiUrl}/openapi.json`)}, dom_id: "#swagger-ui", deepLinking: true });\n`;

/** Builds dist/web/ (dashboard) and dist/web/docs/ (API reference). */
export async function buildWeb(
  outDir = WEB_DIST_DIR,
  apiUrl = process.env.VITE_API_URL ?? "",
): Promise<void> {
  await build({
    configFile: false,
    root: join(ROOT, "lib/web"),
    base: "./",
    logLevel: "warn",
    define: { "import.meta.env.VITE_API_URL": JSON.stringify(apiUrl) },
    oxc: { jsx: { runtime: "automatic", importSource: "preact" } },
    build: { outDir, emptyOutDir: true, sourcemap: false, target: "es2022" },
  });
  const docs = join(outDir, "docs");
  await mkdir(docs, { recursive: true });
  const swagger = dirname(createRequire(import.meta.url).resolve("swagger-ui-dist/package.json"));
  for (const file of ["swagger-ui.css", "swagger-ui-bundle.js"]) {
    await copyFile(join(swagger, file), join(docs, file));
  }
  await writeFile(join(docs, "index.html"), DOCS_HTML);
  await writeFile(join(docs, "init.js"), docsInit(apiUrl.replace(/\/+$/, "")));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await buildWeb();
  console.log(`syncron: built ${relative(ROOT, WEB_DIST_DIR)}/ (dashboard and docs)`);
}
