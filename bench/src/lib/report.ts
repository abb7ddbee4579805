// What each bench hands back: a table to print, ratios against its baseline, and the raw figures
// for bench/results/latest.json.

export interface Ratio {
  readonly label: string;
  /** ours / baseline (×); NaN when a side is missing. */
  readonly value: number;
}

export interface SectionReport {
  readonly id: string;
  readonly title: string;
  readonly columns: readonly string[];
  readonly rows: readonly (readonly string[])[];
  readonly ratios: readonly Ratio[];
  readonly notes: readonly string[];
  /** Raw figures for the JSON file. */
  readonly data: unknown;
  /** Why the bench did not run (e.g. no Docker engine); the table is empty then. */
  readonly skipped?: string;
}

/** Milliseconds with as many decimals as their size deserves. */
export function formatMs(value: number): string {
  if (!Number.isFinite(value)) return "–";
  if (value < 0.1) return value.toFixed(4);
  if (value < 1) return value.toFixed(3);
  if (value < 10) return value.toFixed(2);
  if (value < 100) return value.toFixed(1);
  return value.toFixed(0);
}

export function formatRate(value: number): string {
  return Number.isFinite(value) ? Math.round(value).toLocaleString("en-US") : "–";
}

export function formatRatio(value: number): string {
  return Number.isFinite(value) ? `${value.toFixed(2)}×` : "–";
}

/** Columns padded to their widest cell; numbers (and "–") right-aligned, text left-aligned. */
export function formatTable(
  columns: readonly string[],
  rows: readonly (readonly string[])[],
): string {
  const widths = columns.map((column, index) =>
    Math.max(column.length, ...rows.map((row) => (row[index] ?? "").length)),
  );
  const numeric = (cell: string) => /^[-+]?[\d.,]+(×|%)?$|^–$/.test(cell);
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, index) => {
        const width = widths[index] ?? cell.length;
        return numeric(cell) ? cell.padStart(width) : cell.padEnd(width);
      })
      .join("  ")
      .trimEnd();
  const rule = widths.map((width) => "─".repeat(width)).join("  ");
  return [line(columns), rule, ...rows.map(line)].join("\n");
}

export function formatSection(section: SectionReport): string {
  const lines = [`\n━━ ${section.title}`];
  if (section.skipped !== undefined) {
    lines.push(`skipped: ${section.skipped}`);
    return lines.join("\n");
  }
  lines.push(formatTable(section.columns, section.rows));
  if (section.ratios.length > 0) {
    lines.push("", "ratios, ours / baseline (lower is better for latency, higher for throughput):");
    const width = Math.max(...section.ratios.map((r) => r.label.length));
    for (const r of section.ratios)
      lines.push(`  ${r.label.padEnd(width)}  ${formatRatio(r.value)}`);
  }
  for (const note of section.notes) lines.push(`note: ${note}`);
  return lines.join("\n");
}
