/// <reference path="./.sst/platform/config.d.ts" />

/**
 * syncron on AWS. This file only wires the modules of `infra/aws/`; policies, routes, settings
 * and environment names are pure modules in `infra/`, unit-tested. See README "Deploy to AWS".
 */
export default $config({
  async app(input) {
    const { stageAppConfig } = await import("./infra/stages.ts");
    const { readStageFile } = await import("./infra/stage-file.ts");
    const { region, ...app } = stageAppConfig(input.stage, readStageFile(input.stage, process.env));
    return {
      ...app,
      // Pinned: the provider SST 4.17.1 installs; bump together with sst. The region is the stage's
      // (infra/stages/<stage>.json), whatever AWS_REGION the shell has.
      providers: { aws: { version: "7.20.0", ...(region ? { region } : {}) } },
    };
  },
  async run() {
    const { table } = await import("./infra/aws/storage.ts");
    const { queue } = await import("./infra/aws/queue.ts");
    const { scheduleGroup } = await import("./infra/aws/scheduler.ts");
    await import("./infra/aws/worker.ts");
    await import("./infra/aws/dead-letter.ts");
    const { api } = await import("./infra/aws/api.ts");
    await import("./infra/aws/alarms.ts");
    const { web } = await import("./infra/aws/web.ts");
    return {
      api: api.url,
      dashboard: web.url,
      queue: queue.url,
      table: table.name,
      scheduleGroup: scheduleGroup.name,
    };
  },
});
