/** The first non-empty line of a text, whitespace collapsed, cut to `max` characters (code points) with an ellipsis. Mask PII before calling: a cut phone number no longer matches the masking patterns. */
export function titleOf(text: string, max = 60): string {
  const line = text.split(/\r?\n/).find((l) => l.trim()) ?? text;
  const trimmed = line.trim().replace(/\s+/g, ' ');
  return [...trimmed].length > max ? `${[...trimmed].slice(0, max - 1).join('')}…` : trimmed;
}
