import { describe, expect, it } from "vitest";
import { columns, padColumns, table } from "./table.ts";

/** The terminal column at which each cell of `line` starts, given the cells it holds. */
function starts(line: string, cells: string[]): number[] {
  const wide =
    /[\u1100-\u115f\u2e80-\u9fff\uac00-\ud7a3\uf900-\ufaff\uff00-\uff60\uffe0-\uffe6]|\p{Extended_Pictographic}/u;
  let column = 0;
  let from = 0;
  const found: number[] = [];
  for (const cell of cells) {
    const at = line.indexOf(cell, from);
    for (const char of line.slice(from, at)) column += wide.test(char) ? 2 : 1;
    found.push(column);
    for (const char of cell) column += wide.test(char) ? 2 : 1;
    from = at + cell.length;
  }
  return found;
}

describe("table", () => {
  it("pads every column but the last", () => {
    expect(table(["A", "LONG"], [["xyz", "1"]])).toBe("A    LONG\nxyz  1");
  });

  it("aligns Chinese and emoji names by the columns they take on a terminal, not by characters", () => {
    const rows = [
      ["01A", "照片备份", "mirror"],
      ["01B", "docs", "copy"],
      ["01C", "📷 相册", "copy"],
    ];
    const text = table(["ID", "NAME", "MODE"], rows);
    expect(text.split("\n")).toEqual([
      "ID   NAME      MODE",
      "01A  照片备份  mirror",
      "01B  docs      copy",
      "01C  📷 相册   copy",
    ]);
    const lines = text.split("\n").slice(1);
    const modeColumns = lines.map((line, i) => starts(line, rows[i] ?? []).at(-1));
    expect(new Set(modeColumns)).toEqual(new Set([15]));
  });
});

describe("columns", () => {
  it("pads to fixed widths by display width and leaves the last cell as it is", () => {
    expect(columns(["同步", "x", "末尾"], [6, 3, 0], " ")).toBe("同步   x   末尾");
  });
});

describe("padColumns", () => {
  it("leaves a cell already wider than the column unchanged", () => {
    expect(padColumns("中文名字", 4)).toBe("中文名字");
    expect(padColumns("é", 3)).toBe("é  ");
  });
});
