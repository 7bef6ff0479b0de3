/**
 * `npm run bench:webdav`: as bench:sync, with every target a folder on `rclone serve webdav` (one
 * server for both tools, which cannot keep mod times: both compare by size there).
 * Flags: as bench/sync.ts.
 */
import { benchArgs } from "./support/args.ts";
import { finish, writeSection } from "./support/report.ts";
import { syncMarkdown } from "./support/sync-report.ts";
import { runSyncSuite } from "./support/sync-suite.ts";

const args = benchArgs("webdav", ["files", "max-kib", "big-files", "big-mib", "copy-runs"]);
const figures = await runSyncSuite("webdav", args);
await writeSection(
  args.out,
  "webdav",
  syncMarkdown(
    figures,
    "npm run bench:webdav",
    "Sync engine vs rclone: local to WebDAV",
    "Local source, target on `rclone serve webdav` (127.0.0.1, one server for both tools). " +
      "`rclone sync SRC :webdav:rclone-small --webdav-url URL --webdav-vendor other` against " +
      "`syncron sync SRC webdav://HOST/cli-small --mode mirror` (and `syncDrives` in process with the webdav drive): " +
      "rclone serve webdav 1.60 does not keep `X-OC-Mtime`, so neither tool can set mod times there and both compare by size " +
      "(case (c) changes sizes); defaults otherwise (4 transfers, 8 checkers). The server's own CPU is not in the CPU column.",
  ),
);
finish(args.json, figures, args.out);
