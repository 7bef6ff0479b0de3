import type { JobLog } from "../jobs/deps.ts";

/** Keys that are never printed, whatever a caller passes (defence in depth: callers pass no secrets). */
const HIDDEN = /secret|password|token|credential|authorization/i;

const formatValue = (value: unknown): string => {
  if (value === null || value === undefined) return String(value);
  if (typeof value === "string") return /^[^\s"=]+$/.test(value) ? value : JSON.stringify(value);
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (value instanceof Error) return JSON.stringify(value.message);
  return JSON.stringify(value);
};

/**
 * One human-readable line: `2026-11-28T23:20:01.123Z INFO  run started config_id=… task_id=…`.
 * Values with spaces or quotes are JSON-quoted; stack traces are left out (they go to debug logs).
 */
export function formatLogLine(
  time: Date,
  level: string,
  message: string,
  data: Record<string, unknown> = {},
): string {
  const pairs = Object.entries(data)
    .filter(([key, value]) => value !== undefined && key !== "stack" && !HIDDEN.test(key))
    .map(([key, value]) => `${key}=${formatValue(value)}`);
  return [time.toISOString(), level.toUpperCase().padEnd(5), message, ...pairs].join(" ");
}

/** A JobLog printing {@link formatLogLine} lines to `write` (stdout by default; errors to stderr). */
export function createLineLog(
  options: { now?: () => Date; write?: (line: string, level: string) => void } = {},
): JobLog {
  const now = options.now ?? (() => new Date());
  const write =
    options.write ??
    ((line: string, level: string) =>
      (level === "error" ? process.stderr : process.stdout).write(`${line}\n`));
  return (level, message, data) => write(formatLogLine(now(), level, message, data), level);
}
