import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { LOCAL_CREDENTIALS } from "../../../lib/dev/aws-endpoint.ts";
import { freePort, stopChild } from "../store/dynamodb-local.ts";

/** Where this machine has moto's server (pyenv's shim), or undefined. */
export const MOTO_SERVER = ["/root/.pyenv/shims/moto_server", "/usr/local/bin/moto_server"].find((path) =>
  existsSync(path),
);

export interface MotoServer {
  readonly endpoint: string;
  readonly region: string;
  readonly credentials: { accessKeyId: string; secretAccessKey: string };
  stop(): Promise<void>;
}

/**
 * Starts `moto_server` (moto's AWS emulator, SSM included) on a free port of 127.0.0.1 and resolves
 * once it answers HTTP. Resolves undefined where moto is not installed, so a suite can say so.
 */
export async function startMotoServer(
  options: {
    timeoutMs?: number;
    /**
     * Check every request's access key against moto's IAM (`INITIAL_NO_AUTH_ACTION_COUNT=0`), as AWS
     * does: a key IAM never issued is refused (S3: 403 InvalidAccessKeyId). Default: any key passes.
     */
    checkKeys?: boolean;
  } = {},
): Promise<MotoServer | undefined> {
  if (!MOTO_SERVER) return undefined;
  const port = await freePort();
  const child = spawn(MOTO_SERVER, ["-H", "127.0.0.1", "-p", String(port)], {
    stdio: ["ignore", "ignore", "pipe"],
    env: { ...process.env, ...(options.checkKeys ? { INITIAL_NO_AUTH_ACTION_COUNT: "0" } : {}) },
  });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const endpoint = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  for (;;) {
    if (child.exitCode !== null) throw new Error(`moto_server exited with code ${child.exitCode}\n${stderr}`);
    try {
      await fetch(`${endpoint}/moto-api/`);
      break;
    } catch {
      if (Date.now() > deadline) {
        await stopChild(child);
        throw new Error(`moto_server did not answer on ${endpoint}\n${stderr}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  return { endpoint, region: "us-east-1", credentials: LOCAL_CREDENTIALS, stop: () => stopChild(child) };
}
