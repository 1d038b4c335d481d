/** One CSV field (RFC 4180): quoted when it holds a quote, comma or line break. */
export function csvCell(value: unknown): string {
  const text = value === null || value === undefined ? "" : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvLine(values: unknown[]): string {
  return `${values.map(csvCell).join(",")}\n`;
}

/**
 * Free text (a shopper's comment, a note) for a CSV opened in a spreadsheet: a leading
 * =, +, -, @ or control character would make it a formula, so it gets a leading apostrophe.
 */
export function csvText(value: string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}
