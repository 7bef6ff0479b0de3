/** Text tables for the terminal, aligned by display width (a CJK character or an emoji takes two columns). */
import stringWidth from "string-width";

/** `text` followed by spaces up to `width` terminal columns (unchanged when already that wide). */
export function padColumns(text: string, width: number): string {
  return text + " ".repeat(Math.max(0, width - stringWidth(text)));
}

/** One line of cells, each but the last padded to its width, separated by `gap`. */
export function columns(cells: readonly string[], widths: readonly number[], gap = "  "): string {
  return cells
    .map((cell, i) => (i === cells.length - 1 ? cell : padColumns(cell, widths[i] ?? 0)))
    .join(gap)
    .trimEnd();
}

/** Rows as aligned columns under a header, each column as wide as its widest cell. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((title, i) =>
    Math.max(stringWidth(title), ...rows.map((row) => stringWidth(row[i] ?? ""))),
  );
  return [header, ...rows].map((cells) => columns(cells, widths)).join("\n");
}
