/**
 * `npm run bench:webdav`: as bench:sync, with every target a folder on `rclone serve webdav` (one
 * server for both tools; vendor owncloud on both, so both keep mod times with X-OC-Mtime).
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
      "`rclone sync SRC :webdav:rclone --webdav-url URL --webdav-vendor owncloud` against " +
      "`syncron sync SRC webdav://HOST/cli?vendor=owncloud --mode mirror` (and `syncDrives` in process with the webdav drive, vendor owncloud): " +
      "both send X-OC-Mtime so both keep mod times; defaults otherwise (4 transfers, 8 checkers).",
  ),
);
finish(args.json, figures, args.out);
