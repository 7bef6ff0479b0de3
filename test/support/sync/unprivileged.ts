/**
 * Runs the real `syncron` CLI as an unprivileged user, so file modes count: root ignores them, and a
 * permission test that passes as root proves nothing. As root the command runs as `nobody` (setpriv,
 * util-linux); as any other user it runs as that user.
 */
import { execFile } from "node:child_process";
import { chown, readdir } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";

const NOBODY = 65534;
const BIN = join(import.meta.dirname, "..", "..", "..", "bin", "syncron.js");

/** True when this process runs as root, so a test must drop privileges to see file modes at work. */
export const isRoot = (): boolean => process.getuid?.() === 0;

/** Hands a tree (made by the test) to the user the CLI runs as: `nobody` under root, else a no-op. */
export async function giveToRunner(root: string): Promise<void> {
  if (!isRoot()) return;
  await chown(root, NOBODY, NOBODY);
  for (const entry of await readdir(root, { recursive: true, withFileTypes: true })) {
    await chown(join(entry.parentPath, entry.name), NOBODY, NOBODY);
  }
}

export interface CliOutcome {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** `syncron <args>` as the unprivileged user, in `cwd`; never throws for a non-zero exit. */
export async function runCliUnprivileged(args: string[], cwd: string): Promise<CliOutcome> {
  const [file, argv] = isRoot()
    ? [
        "setpriv",
        [`--reuid=${NOBODY}`, `--regid=${NOBODY}`, "--clear-groups", process.execPath, BIN, ...args],
      ]
    : [process.execPath, [BIN, ...args]];
  // nobody has no home: keep npm/tsx caches out of /root, which it cannot read.
  const env = { ...process.env, HOME: cwd, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" };
  try {
    const { stdout, stderr } = await promisify(execFile)(file, argv, { cwd, env });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    if (typeof failed.code !== "number") throw error;
    return { code: failed.code, stdout: failed.stdout ?? "", stderr: failed.stderr ?? "" };
  }
}
