import { describe, expect, it } from "vitest";
import { FINISHED_STATUSES } from "../../lib/store/run.ts";

describe("the dashboard's run states", () => {
  it("knows every final state the store has (CANCELLED too), and no other", async () => {
    // Imported by URL: the dashboard's module is browser code, outside the server's type check.
    const web = (await import(new URL("../../lib/web/api.ts", import.meta.url).href)) as {
      FINISHED: ReadonlySet<string>;
    };
    expect([...web.FINISHED].sort()).toEqual([...FINISHED_STATUSES].sort());
  });
});
