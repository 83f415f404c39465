import { parse } from 'yaml';

export interface Frontmatter {
  /** The YAML mapping between the `---` lines; empty when there is none. */
  readonly data: Readonly<Record<string, unknown>>;
  /** The markdown after the frontmatter, trimmed. */
  readonly body: string;
}

/**
 * Splits a markdown file the way pi does (`utils/frontmatter.ts`): the file must start with
 * `---`, the block ends at the next line starting with `---`, and the YAML is parsed with the
 * `yaml` package. A YAML syntax error throws, because pi then refuses the file.
 */
export function parseFrontmatter(content: string): Frontmatter {
  const text = content.replace(/\r\n/g, '\n').replace(/\r/g, '\n');
  if (!text.startsWith('---')) return { data: {}, body: text };
  const end = text.indexOf('\n---', 3);
  if (end === -1) return { data: {}, body: text };
  const parsed: unknown = parse(text.slice(4, end));
  const data = parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
  return { data, body: text.slice(end + 4).trim() };
}

/** A frontmatter value as pi reads it: only strings count as text. */
export function frontmatterString(data: Readonly<Record<string, unknown>>, key: string): string | undefined {
  const value = data[key];
  return typeof value === 'string' ? value : undefined;
}
