import type { TestProject } from "vitest/node";
import { startDynalite } from "../../../lib/dev/emulators/dynalite.ts";
import { startLocalSqsS3 } from "../../../lib/dev/emulators/fauxqs.ts";

/**
 * vitest globalSetup of the integration tier: one dynalite and one fauxqs (SQS + S3) for every test file
 * of the tier, handed to the files by `provide` (read them with `sharedEmulators()`). Each file names
 * its own tables, queues and buckets (`uniqueName`), so sharing never mixes two files' data.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const [dynamo, sqsS3] = await Promise.all([startDynalite(), startLocalSqsS3()]);
  project.provide("dynamoEndpoint", dynamo.endpoint);
  project.provide("sqsS3Endpoint", sqsS3.endpoint);
  return async () => {
    await Promise.all([dynamo.stop(), sqsS3.stop()]);
  };
}
