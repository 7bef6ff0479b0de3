import { existsSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";

const HEADER = `# syncron benchmarks

Figures from \`npm run bench\` (each section: \`npm run bench:<name>\`). Every section says when and on what
machine it was measured, and how to reproduce it. Medians of several runs; ratios are syncron ÷ rclone
(below 1.0 = syncron is faster).

`;

/**
 * Writes `markdown` as the section `name` of `file` (between \`<!-- bench:name -->\` markers), replacing
 * that section's previous figures and keeping every other section. Creates the file when missing.
 */
export async function writeSection(file: string, name: string, markdown: string): Promise<void> {
  const start = `<!-- bench:${name} -->`;
  const end = `<!-- /bench:${name} -->`;
  const block = `${start}\n${markdown.trim()}\n${end}`;
  const text = existsSync(file) ? await readFile(file, "utf8") : HEADER;
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  const next =
    from >= 0 && to > from
      ? `${text.slice(0, from)}${block}${text.slice(to + end.length)}`
      : `${text.trimEnd()}\n\n${block}\n`;
  await writeFile(file, next);
}

/** A markdown table. */
export function table(
  headers: readonly string[],
  rows: readonly (readonly (string | number | null)[])[],
): string {
  const cell = (value: string | number | null) => (value === null ? "–" : String(value));
  return [
    `| ${headers.join(" | ")} |`,
    `|${headers.map(() => "---").join("|")}|`,
    ...rows.map((row) => `| ${row.map(cell).join(" | ")} |`),
  ].join("\n");
}

/** Seconds with 2 decimals from milliseconds. */
export const seconds = (ms: number | undefined): string | null =>
  ms === undefined ? null : (ms / 1000).toFixed(2);

/** Ends a bench script: the JSON line for the smoke tests when asked, then a note of where figures went. */
export function finish(json: boolean, figures: unknown, out: string): void {
  if (json) console.log(JSON.stringify(figures));
  else console.error(`figures written to ${out}`);
}
