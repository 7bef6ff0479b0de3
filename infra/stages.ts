/**
 * Per-stage policy. `prod` and `production` are both production: the README deploys with
 * `--stage prod`, and a stage that only looks like production must not be deleted by `sst remove`.
 */
export const PRODUCTION_STAGES: readonly string[] = ["production", "prod"];

export const isProductionStage = (stage: string): boolean => PRODUCTION_STAGES.includes(stage);

/**
 * The `app()` fields of `sst.config.ts` for a stage: production keeps its resources when removed
 * (`retain`) and refuses `sst remove` (`protect`); other stages clean up after themselves. `region`
 * is the stage file's (stage-file.ts), pinning the AWS provider's region; absent without a file (the
 * provider then takes AWS_REGION or the profile's).
 */
export function stageAppConfig(stage: string, file?: { region: string }) {
  const production = isProductionStage(stage);
  return {
    name: "syncron",
    home: "aws" as const,
    removal: production ? ("retain" as const) : ("remove" as const),
    protect: production,
    ...(file ? { region: file.region } : {}),
  };
}
