import { randomBytes } from "node:crypto";
import { inject } from "vitest";
import { type AwsEndpoint, LOCAL_CREDENTIALS, LOCAL_REGION } from "../../../lib/dev/aws-endpoint.ts";

/** An emulator's endpoint, always a URL. */
export type LocalEndpoint = AwsEndpoint & { readonly endpoint: string };

/** The integration tier's emulators, started once by its globalSetup (emulators-setup.ts). */
export interface SharedEmulators {
  /** dynalite: give each file's tables a `uniqueName`. */
  readonly dynamo: LocalEndpoint;
  /** fauxqs (SQS + S3): give each file's queues and buckets a `uniqueName`. */
  readonly sqsS3: LocalEndpoint;
}

/** The shared emulators; throws outside the integration tier, which alone starts them. */
export function sharedEmulators(): SharedEmulators {
  const dynamo = inject("dynamoEndpoint");
  const sqsS3 = inject("sqsS3Endpoint");
  if (!dynamo || !sqsS3) {
    throw new Error("no shared emulators: only the integration tier (*.int.test.ts) starts them");
  }
  const at = (endpoint: string) => ({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  return { dynamo: at(dynamo), sqsS3: at(sqsS3) };
}

/**
 * A name no other test file of the run uses (tables, queues, buckets share one emulator): `prefix`
 * and a random suffix, lower case, so it is a valid bucket name too.
 */
export const uniqueName = (prefix: string): string => `${prefix}-${randomBytes(5).toString("hex")}`;

declare module "vitest" {
  export interface ProvidedContext {
    dynamoEndpoint: string;
    sqsS3Endpoint: string;
  }
}
