import { rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tempDir } from "../test/support/temp-dir.ts";
import { readStageFile, StageFileError, stageFilePath } from "./stage-file.ts";

let dir: string;
const env = () => ({ SYNCRON_STAGES_DIR: dir });

beforeAll(async () => {
  dir = await tempDir("syncron-stages-");
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("readStageFile", () => {
  it("reads infra/stages/<stage>.json of the project by default: prod's is committed and pins its region", () => {
    expect(stageFilePath("prod", {})).toMatch(/\/infra\/stages\/prod\.json$/);
    expect(readStageFile("prod", {})).toMatchObject({
      region: expect.stringMatching(/^[a-z]{2}-[a-z]+-\d$/),
    });
  });

  it("is undefined for a stage without a file", () => {
    expect(readStageFile("nobody-has-this-stage", env())).toBeUndefined();
  });

  it("reads region and settings", async () => {
    await writeFile(
      join(dir, "team.json"),
      JSON.stringify({ region: "eu-west-1", settings: { SYNCRON_SCHEDULE_BACKEND: "eventbridge-rules" } }),
    );
    expect(readStageFile("team", env())).toEqual({
      path: join(dir, "team.json"),
      region: "eu-west-1",
      settings: { SYNCRON_SCHEDULE_BACKEND: "eventbridge-rules" },
    });
  });

  it.each([
    ["{ not json", /bad\.json: not valid JSON/],
    [JSON.stringify({ settings: {} }), /bad\.json: region: /],
    [JSON.stringify({ region: "Europe" }), /bad\.json: region: expected an AWS region such as eu-west-1/],
    [
      JSON.stringify({ region: "eu-west-1", settings: { SYNCRON_MAX_CONCURRENCY: 5 } }),
      /bad\.json: settings\.SYNCRON_MAX_CONCURRENCY: /,
    ],
    [JSON.stringify({ region: "eu-west-1", stage: "x" }), /bad\.json: \(top level\): .*stage/],
  ])("refuses %s naming the file and the field", async (text, message) => {
    await writeFile(join(dir, "bad.json"), text);
    expect(() => readStageFile("bad", env())).toThrow(StageFileError);
    expect(() => readStageFile("bad", env())).toThrow(message);
  });
});
