/**
 * `npm run bench:sync`: the sync engine vs `rclone sync`, local folder to local folder, on the same
 * generated trees with default concurrency on both (4 transfers, 8 checkers): (a) first copy of
 * 10,000 files of 1–64 KiB, (b) no-op re-sync, (c) re-sync with 1% changed, (d) 20 files of 50 MiB.
 * Flags: --scale smoke|full, --runs N, --copy-runs N (runs of case a), --out FILE, --json, --work-dir DIR, --files N, --max-kib N,
 * --big-files N, --big-mib N.
 */
import { benchArgs } from "./support/args.ts";
import { finish, writeSection } from "./support/report.ts";
import { syncMarkdown } from "./support/sync-report.ts";
import { runSyncSuite } from "./support/sync-suite.ts";

const args = benchArgs("sync", ["files", "max-kib", "big-files", "big-mib", "copy-runs"]);
const figures = await runSyncSuite("sync", args);
await writeSection(
  args.out,
  "sync",
  syncMarkdown(
    figures,
    "npm run bench:sync",
    "Sync engine vs rclone: local to local",
    "`rclone sync SRC DST` against `syncron sync SRC DST --mode mirror` (and `syncDrives` in process, mode mirror), " +
      "defaults on both: 4 transfers, 8 checkers, size + mod time, mod times preserved. Each tool syncs into its own target folder.",
  ),
);
finish(args.json, figures, args.out);
