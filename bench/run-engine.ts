/**
 * Child process of the sync benchmarks: one `syncDrives` mirror, in process (no CLI), timed around
 * the call only. Usage: `node --import tsx bench/run-engine.ts <source dir> <target dir | http(s) URL>`.
 * A URL target is a WebDAV folder (vendor other: mod times are not kept, as on rclone serve webdav 1.60).
 * Prints one JSON line: { engine_ms, status, copied, updated, deleted, skipped, failed, errors }.
 */
import type { Drive } from "../lib/drives/drive.ts";
import { createLocalDrive } from "../lib/drives/local/local-drive.ts";
import { createWebdavDrive } from "../lib/drives/webdav/webdav-drive.ts";
import { DEFAULT_SYNC_OPTIONS, syncDrives } from "../lib/sync/index.ts";

const [source, target] = process.argv.slice(2);
if (!source || !target) {
  console.error("usage: run-engine.ts <source dir> <target dir | webdav URL>");
  process.exit(2);
}
const open = (location: string): Drive =>
  /^https?:\/\//.test(location) ? createWebdavDrive({ url: location }) : createLocalDrive({ root: location });

const from = open(source);
const to = open(target);
const started = performance.now();
const result = await syncDrives(from, to, { ...DEFAULT_SYNC_OPTIONS, mode: "mirror" });
const engine_ms = performance.now() - started;
await Promise.all([from.close?.(), to.close?.()]);
const { status, copied, updated, deleted, skipped, failed, errors } = result;
console.log(
  JSON.stringify({
    engine_ms,
    status,
    copied,
    updated,
    deleted,
    skipped,
    failed,
    errors: errors.slice(0, 5),
  }),
);
process.exitCode = status === "SUCCESS" ? 0 : 1;
