import { readDeploySettings } from "../settings.ts";

/** This stage's validated deploy settings (from the environment of `sst deploy` / `sst dev`). */
export const settings = readDeploySettings({ stage: $app.stage, dev: $dev, env: process.env });

/** The account, region and partition being deployed to, for ARNs the policies name. */
export const account = $resolve({
  partition: aws.getPartitionOutput({}).partition,
  region: aws.getRegionOutput({}).region,
  accountId: aws.getCallerIdentityOutput({}).accountId,
});
