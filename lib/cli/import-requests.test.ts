import { describe, expect, it } from "vitest";
import { combinedReport, inExport, planImport } from "./import-requests.ts";

const row = (id: number, remark = `seed ${id}`) => ({
  id,
  remark,
  src_path: `/s/${id}`,
  dst_path: `/d/${id}`,
  user_id: 3,
});
const envelope = { map: { "3": "files:/" }, dry_run: false, replace: false };
const bodyBytes = (rows: unknown[]) => Buffer.byteLength(JSON.stringify({ ...envelope, rows }));

describe("planImport", () => {
  it("splits more than 1,000 rows into requests of at most 1,000, in the export's order", () => {
    const rows = Array.from({ length: 2_345 }, (_, i) => row(i + 1));
    const { chunks, refused } = planImport(rows, envelope);
    expect(chunks.map((chunk) => chunk.rows.length)).toEqual([1000, 1000, 345]);
    expect(chunks.flatMap((chunk) => chunk.indexes)).toEqual(rows.map((_, i) => i));
    expect(chunks.flatMap((chunk) => chunk.rows)).toEqual(rows);
    expect(refused).toEqual([]);
  });

  it("keeps every request's JSON body within the byte limit, as full as it can be", () => {
    // Chinese remarks: 3 bytes a character in UTF-8, so characters would undercount.
    const rows = Array.from({ length: 300 }, (_, i) => row(i + 1, "照片备份".repeat(50)));
    const limit = 32 * 1024;
    const { chunks } = planImport(rows, envelope, { rows: 1000, bytes: limit });
    expect(chunks.length).toBeGreaterThan(2);
    for (const [i, chunk] of chunks.entries()) {
      expect(bodyBytes(chunk.rows)).toBeLessThanOrEqual(limit);
      const next = chunks[i + 1]?.rows[0];
      if (next) expect(bodyBytes([...chunk.rows, next])).toBeGreaterThan(limit);
    }
    expect(chunks.flatMap((chunk) => chunk.rows)).toEqual(rows);
  });

  it("reports a row whose id an earlier row has, and a row too big for any request, without sending them", () => {
    const big = row(3, "x".repeat(2_000));
    const rows = [row(1), row(2), row(1, "again"), big, row(4)];
    const { chunks, refused } = planImport(rows, envelope, { rows: 2, bytes: 1_000 });
    expect(chunks.map((chunk) => chunk.indexes)).toEqual([[0, 1], [4]]);
    expect(refused).toEqual([
      {
        index: 2,
        seed_id: 1,
        id: "1",
        outcome: "not_carried",
        notes: [],
        problems: [{ field: "id", message: "id 1 is also row 0 of the export" }],
      },
      {
        index: 3,
        seed_id: 3,
        id: "3",
        outcome: "not_carried",
        notes: [],
        problems: [
          { field: "row", message: expect.stringMatching(/^the row is \d+ bytes of JSON: more than/) },
        ],
      },
    ]);
  });
});

describe("combinedReport", () => {
  it("numbers each request's rows as in the export and counts them all", () => {
    const chunk = { rows: [row(7), row(9)], indexes: [1500, 1502] };
    const answered = inExport(chunk, {
      dry_run: false,
      summary: { created: 1, unchanged: 1 } as never,
      rows: [
        { index: 0, seed_id: 7, id: "7", outcome: "created", notes: [] },
        { index: 1, seed_id: 9, id: "9", outcome: "unchanged", notes: [] },
      ],
    });
    const report = combinedReport(false, [
      ...answered,
      { index: 3, seed_id: null, id: null, outcome: "not_carried", notes: [] },
    ]);
    expect(report.rows.map((r) => r.index)).toEqual([3, 1500, 1502]);
    expect(report.summary).toMatchObject({ created: 1, unchanged: 1, not_carried: 1, failed: 0 });
  });
});
