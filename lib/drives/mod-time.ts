/**
 * Nanoseconds to whole milliseconds, rounded to nearest: the one rule for every drive that sees
 * finer times than the engine's milliseconds (a local file's `mtimeNs`; the `mtime` metadata
 * rclone writes to S3 with nanoseconds). Rounded, not truncated, because libuv sets times to the
 * microsecond through a double (1700000000.123 s comes back as …122999000 ns); the same rule on
 * both sides keeps a file and rclone's copy of it equal.
 */
export const nsToMs = (ns: bigint): number => Number((ns + 500_000n) / 1_000_000n);
