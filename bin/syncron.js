#!/usr/bin/env node
// Runs the CLI bundle `npm ci` built (dist/cli/, scripts/build-cli.ts); SYNCRON_SOURCES=1, or no bundle,
// runs the TypeScript in lib/ through tsx instead (development: no rebuild after an edit).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
const bundle = new URL("../dist/cli/main.js", import.meta.url);
const { existsSync } = await import("node:fs");
let main;
if (process.env.SYNCRON_SOURCES !== "1" && existsSync(bundle)) ({ main } = await import(bundle.href));
else {
  (await import("tsx/esm/api")).register();
  ({ main } = await import("../lib/cli/main.ts"));
}
process.exitCode = await main(process.argv.slice(2));
