import type { AddressInfo } from "node:net";
import dynalite from "dynalite";
import { type AwsEndpoint, LOCAL_CREDENTIALS, LOCAL_REGION } from "../aws-endpoint.ts";

export interface LocalDynamoDb extends AwsEndpoint {
  readonly endpoint: string;
  stop(): Promise<void>;
}

/**
 * Starts dynalite on 127.0.0.1: in memory, or on disk under `path` so tables survive a restart.
 * dynalite has no TransactWriteItems and no UpdateTimeToLive.
 */
export async function startDynalite(options: { port?: number; path?: string } = {}): Promise<LocalDynamoDb> {
  const server = dynalite({
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
    ...(options.path ? { path: options.path } : {}),
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
