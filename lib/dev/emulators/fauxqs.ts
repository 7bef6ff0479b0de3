import { type FauxqsServer, startFauxqs } from "fauxqs";
import { type AwsEndpoint, LOCAL_CREDENTIALS, LOCAL_REGION } from "../aws-endpoint.ts";

export interface LocalSqsS3 extends AwsEndpoint {
  readonly endpoint: string;
  readonly server: FauxqsServer;
  stop(): Promise<void>;
}

/**
 * Starts fauxqs (SQS + S3, in memory) in this process on 127.0.0.1.
 * Give SQS clients `endpoint` explicitly (queue URLs carry an unresolvable host) and S3 clients
 * `forcePathStyle: true`.
 */
export async function startLocalSqsS3(options: { port?: number } = {}): Promise<LocalSqsS3> {
  const server = await startFauxqs({ port: options.port ?? 0, host: "127.0.0.1", logger: false });
  return {
    endpoint: `http://127.0.0.1:${server.port}`,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
    server,
    stop: () => server.stop(),
  };
}
