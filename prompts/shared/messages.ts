/** One chat message, shaped like the OpenAI chat API's, so prompts stay free of SDK imports. */
export interface PromptMessage {
  role: 'system' | 'user';
  content: string;
}

/**
 * Puts untrusted text in a tagged data block. Tags inside the text are removed so that it cannot close the
 * block early and continue as if it were the instructions around it.
 */
export function dataBlock(tag: string, text: string): string {
  const tagPattern = new RegExp(`<\\s*/?\\s*${tag}\\b[^>]*>`, 'gi');
  return `<${tag}>\n${text.replace(tagPattern, '').trim()}\n</${tag}>`;
}

/** Cuts text to `max` characters (code points), marking the cut. */
export function clip(text: string, max: number): string {
  const chars = [...text];
  return chars.length > max ? `${chars.slice(0, max - 1).join('')}…` : text;
}
