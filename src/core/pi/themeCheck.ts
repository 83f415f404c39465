/**
 * The colour tokens every pi theme must define (`theme-schema.json`, `colors.required`). Copied
 * rather than read from pi at run time because pi is not installed next to the extension.
 */
export const themeColorTokens: readonly string[] = [
  // core UI
  'accent', 'border', 'borderAccent', 'borderMuted', 'success', 'error', 'warning', 'muted', 'dim', 'text', 'thinkingText',
  // backgrounds and content text
  'selectedBg', 'userMessageBg', 'userMessageText', 'customMessageBg', 'customMessageText', 'customMessageLabel',
  'toolPendingBg', 'toolSuccessBg', 'toolErrorBg', 'toolTitle', 'toolOutput',
  // markdown
  'mdHeading', 'mdLink', 'mdLinkUrl', 'mdCode', 'mdCodeBlock', 'mdCodeBlockBorder', 'mdQuote', 'mdQuoteBorder', 'mdHr', 'mdListBullet',
  // diffs
  'toolDiffAdded', 'toolDiffRemoved', 'toolDiffContext',
  // syntax
  'syntaxComment', 'syntaxKeyword', 'syntaxFunction', 'syntaxVariable', 'syntaxString', 'syntaxNumber', 'syntaxType',
  'syntaxOperator', 'syntaxPunctuation',
  // thinking-level borders
  'thinkingOff', 'thinkingMinimal', 'thinkingLow', 'thinkingMedium', 'thinkingHigh', 'thinkingXhigh',
  'bashMode',
];

export interface ThemeCheck {
  /** The theme's `name`, when it has a usable one. */
  name?: string;
  /** Why pi would refuse the theme; empty when it loads. */
  problems: string[];
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Mirrors pi's theme loading: the schema (name, all colour tokens, each a string or an xterm
 * index 0–255) and the variable resolution that happens when the theme is applied.
 */
export function checkTheme(json: unknown): ThemeCheck {
  if (!isRecord(json)) return { problems: ['expected a JSON object'] };
  const problems: string[] = [];
  const name = typeof json.name === 'string' && json.name.trim() !== '' ? json.name : undefined;
  if (name === undefined) problems.push(json.name === undefined ? 'name is required' : 'name must be a non-empty string');

  const vars = json.vars === undefined ? {} : json.vars;
  if (!isRecord(vars)) problems.push('vars: expected an object');
  else for (const [key, value] of Object.entries(vars)) if (!isColorValue(value)) problems.push(`vars.${key}: expected a colour string or a number 0-255`);

  const colors = json.colors;
  if (colors === undefined) problems.push('colors is required');
  else if (!isRecord(colors)) problems.push('colors: expected an object');
  else {
    const missing = themeColorTokens.filter((t) => !Object.prototype.hasOwnProperty.call(colors, t));
    if (missing.length > 0) problems.push(`colors: missing ${missing.length} token${missing.length === 1 ? '' : 's'}: ${missing.join(', ')}`);
    for (const [key, value] of Object.entries(colors)) {
      if (!isColorValue(value)) problems.push(`colors.${key}: expected a colour string or a number 0-255`);
      else if (isRecord(vars)) {
        const unresolved = resolveVar(value, vars);
        if (unresolved) problems.push(`colors.${key}: ${unresolved}`);
      }
    }
  }
  return name === undefined ? { problems } : { name, problems };
}

function isColorValue(v: unknown): v is string | number {
  return typeof v === 'string' || (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 255);
}

/** Follows var references as pi does; returns what is wrong, or undefined when it resolves. */
function resolveVar(value: string | number, vars: Record<string, unknown>): string | undefined {
  const seen = new Set<string>();
  let current: unknown = value;
  while (typeof current === 'string' && current !== '' && !current.startsWith('#')) {
    if (seen.has(current)) return `circular variable reference "${current}"`;
    if (!Object.prototype.hasOwnProperty.call(vars, current)) return `unknown variable "${current}"`;
    seen.add(current);
    current = vars[current];
  }
  return undefined;
}
