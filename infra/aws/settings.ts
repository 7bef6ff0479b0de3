import { readDeploySettings } from "../settings.ts";
import { readStageFile } from "../stage-file.ts";

/**
 * This stage's validated deploy settings: its file `infra/stages/<stage>.json` (when it has one),
 * then the environment of `sst deploy` / `sst dev`.
 */
export const settings = readDeploySettings({
  stage: $app.stage,
  dev: $dev,
  env: process.env,
  file: readStageFile($app.stage, process.env),
});

/** The account, region and partition being deployed to, for ARNs the policies name. */
export const account = $resolve({
  partition: aws.getPartitionOutput({}).partition,
  region: aws.getRegionOutput({}).region,
  accountId: aws.getCallerIdentityOutput({}).accountId,
});
