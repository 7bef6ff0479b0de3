import { describe, expect, it } from "vitest";
import { devOpenDrive } from "./dev-drives.ts";

describe("devOpenDrive", () => {
  it("creates the bucket of an S3 target on first use, never one of a source (a source is only read)", async () => {
    const created: string[] = [];
    const open = devOpenDrive({
      endpoint: "http://127.0.0.1:9",
      createBucket: async (name) => {
        created.push(name);
      },
    });
    const source = await open(
      { kind: "s3", bucket: "photos", prefix: "", readOnly: true },
      "s3://photos",
      {},
    );
    const target = await open({ kind: "s3", bucket: "backup", prefix: "" }, "s3://backup", {});
    await Promise.all([source.close?.(), target.close?.()]);
    expect(created).toEqual(["backup"]);
  });
});
