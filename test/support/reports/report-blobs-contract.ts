import { Readable } from "node:stream";
import { afterAll, describe, expect, it } from "vitest";
import type { ReportBlobs } from "../../../lib/reports/report-blobs.ts";

/** The suite every report store passes: what `put` stores, `list` and `get` give back, whole or not at all. */
export interface ReportBlobsContractOptions {
  readonly name: string;
  /** A fresh, empty store. */
  readonly newBlobs: () => Promise<ReportBlobs>;
  readonly cleanup?: () => Promise<void>;
}

const text = async (body: Readable | undefined): Promise<string | undefined> => {
  if (!body) return undefined;
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks).toString("utf8");
};

export function runReportBlobsContract(options: ReportBlobsContractOptions): void {
  describe(`report blobs contract: ${options.name}`, () => {
    afterAll(async () => {
      await options.cleanup?.();
    });

    it("stores a stream whole and gives it back; lists one run's keys in order", async () => {
      const blobs = await options.newBlobs();
      await blobs.put("run-1/b.jsonl.gz", Readable.from(["second ", "part"]));
      await blobs.put("run-1/a.jsonl.gz", Readable.from(["first"]));
      await blobs.put("run-10/a.jsonl.gz", Readable.from(["another run"]));
      expect(await blobs.list("run-1/")).toEqual(["run-1/a.jsonl.gz", "run-1/b.jsonl.gz"]);
      expect(await text(await blobs.get("run-1/b.jsonl.gz"))).toBe("second part");
    });

    it("answers an unknown run or key with nothing", async () => {
      const blobs = await options.newBlobs();
      expect(await blobs.list("nobody/")).toEqual([]);
      expect(await blobs.get("nobody/x.jsonl.gz")).toBeUndefined();
    });

    it("stores nothing visible when the stream fails midway", async () => {
      const blobs = await options.newBlobs();
      const failing = new Readable({
        read() {
          this.push("half");
          this.destroy(new Error("the run died"));
        },
      });
      await expect(blobs.put("run-2/a.jsonl.gz", failing)).rejects.toThrow();
      expect(await blobs.list("run-2/")).toEqual([]);
    });
  });
}
