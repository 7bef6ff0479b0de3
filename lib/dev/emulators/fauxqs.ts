import type { AddressInfo } from "node:net";
import { buildApp } from "fauxqs";
import { type AwsEndpoint, LOCAL_CREDENTIALS, LOCAL_REGION } from "../aws-endpoint.ts";

export interface LocalSqsS3 extends AwsEndpoint {
  readonly endpoint: string;
  readonly port: number;
  /** Creates an S3 bucket if it is missing (in process: no request goes over the network). */
  createBucket(name: string): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts fauxqs (SQS + S3, in memory, no auth) in this process, listening on `host` (default
 * 127.0.0.1) and `port` (default 0: a free one). fauxqs's own `startFauxqs` listens on 0.0.0.0
 * whatever host it is given, so the app is built with its `buildApp` and listened here.
 * Give SQS clients `endpoint` explicitly (queue URLs carry an unresolvable host) and S3 clients
 * `forcePathStyle: true`.
 */
export async function startLocalSqsS3(options: { port?: number; host?: string } = {}): Promise<LocalSqsS3> {
  const host = options.host ?? "127.0.0.1";
  const app = buildApp({ logger: false, host });
  await app.listen({ port: options.port ?? 0, host });
  const { port } = app.server.address() as AddressInfo;
  return {
    endpoint: `http://${host.includes(":") ? `[${host}]` : host}:${port}`,
    port,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
    createBucket: async (name) => {
      const reply = await app.inject({ method: "PUT", url: `/${encodeURIComponent(name)}` });
      if (reply.statusCode >= 300) throw new Error(`fauxqs could not create bucket ${name}: ${reply.body}`);
    },
    stop: () => app.close(),
  };
}
