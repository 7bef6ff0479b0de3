import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { dirname, join } from "node:path";
import { DynamoDBClient, ListTablesCommand } from "@aws-sdk/client-dynamodb";
import { LOCAL_CREDENTIALS, LOCAL_REGION } from "../../../lib/dev/aws-endpoint.ts";
import type { LocalDynamoDb } from "../../../lib/dev/emulators/dynalite.ts";

export type { LocalDynamoDb } from "../../../lib/dev/emulators/dynalite.ts";

/** Where `amplify-dynamodb-simulator` ships AWS's DynamoDBLocal.jar, or undefined when not installed. */
export function dynamoDbLocalDir(): string | undefined {
  try {
    const require = createRequire(import.meta.url);
    return join(dirname(require.resolve("amplify-dynamodb-simulator/package.json")), "emulator");
  } catch {
    return undefined;
  }
}

/** True when a `java` executable answers on PATH. */
export function hasJava(): boolean {
  const probe = spawnSync("java", ["-version"], { stdio: "ignore" });
  return probe.error === undefined && probe.status === 0;
}

/**
 * Starts AWS's DynamoDB Local (Java, in memory, telemetry off) on a free port of 127.0.0.1 and
 * resolves once it answers ListTables. Resolves undefined when `java` or the jar is missing, so
 * callers can run their fidelity suite wherever Java exists (CI) and say so where it does not.
 */
export async function startDynamoDbLocal(
  options: { timeoutMs?: number } = {},
): Promise<LocalDynamoDb | undefined> {
  const dir = dynamoDbLocalDir();
  if (!dir || !hasJava()) return undefined;
  const port = await freePort();
  const child = spawn(
    "java",
    [
      `-Djava.library.path=${join(dir, "DynamoDBLocal_lib")}`,
      "-jar",
      join(dir, "DynamoDBLocal.jar"),
      "-inMemory",
      "-disableTelemetry",
      "-port",
      String(port),
    ],
    { cwd: dir, stdio: ["ignore", "ignore", "pipe"] },
  );
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const local: LocalDynamoDb = {
    endpoint: `http://127.0.0.1:${port}`,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
    stop: () => stopChild(child),
  };
  try {
    await waitUntilReady(local, child, options.timeoutMs ?? 45_000);
  } catch (error) {
    await stopChild(child);
    throw new Error(`DynamoDB Local did not start: ${(error as Error).message}\n${stderr}`, { cause: error });
  }
  return local;
}

async function waitUntilReady(local: LocalDynamoDb, child: ChildProcess, timeoutMs: number): Promise<void> {
  const client = new DynamoDBClient({ ...local, maxAttempts: 1 });
  const deadline = Date.now() + timeoutMs;
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`java exited with code ${child.exitCode}`);
      try {
        await client.send(new ListTablesCommand({}));
        return;
      } catch (error) {
        if (Date.now() > deadline) throw error;
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } finally {
    client.destroy();
  }
}

export function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once("exit", () => resolve());
    child.kill("SIGTERM");
  });
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
