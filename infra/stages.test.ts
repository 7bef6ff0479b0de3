import { describe, expect, it } from "vitest";
import { stageAppConfig } from "./stages.ts";

describe("stageAppConfig", () => {
  it.each(["prod", "production"])("retains resources and protects the %s stage", (stage) => {
    expect(stageAppConfig(stage)).toEqual({ name: "syncron", home: "aws", removal: "retain", protect: true });
  });

  it.each(["ci", "dev", "alice", "staging"])("removes resources of the %s stage", (stage) => {
    expect(stageAppConfig(stage)).toEqual({
      name: "syncron",
      home: "aws",
      removal: "remove",
      protect: false,
    });
  });

  it("pins the region of the stage's file", () => {
    expect(stageAppConfig("team", { region: "eu-west-1" })).toMatchObject({ region: "eu-west-1" });
    expect(stageAppConfig("team")).not.toHaveProperty("region");
  });
});
