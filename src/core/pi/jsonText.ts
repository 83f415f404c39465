import { ApiError } from '../../shared/api/errors';

/**
 * JSON.parse with an error that says where the text is broken (line, column) and never echoes
 * the text itself: V8's messages sometimes quote the whole input and sometimes give no position.
 */
export function parseJsonText(text: string, where: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    const offset = findJsonErrorOffset(text);
    const at = offset < 0 ? offset : Math.min(offset, text.length);
    const reason = safeReason(err instanceof Error ? err.message : String(err));
    const pos = at < 0 ? undefined : lineCol(text, at);
    const place = pos ? ` at line ${pos.line}, column ${pos.column} (position ${at})` : '';
    throw new ApiError('invalid_payload', `${where}: invalid JSON${place}: ${reason}`);
  }
}

/**
 * V8's reasons quote the text ("Unexpected token 'c', \"cat\"…"), which would tell a caller
 * what an unreadable file starts with; only the wording of known reasons is kept.
 */
const knownReasons: readonly [RegExp, string][] = [
  [/^Unexpected end of JSON input/, 'unexpected end of input'],
  [/^Unexpected token/, 'unexpected character'],
  [/^Unexpected non-whitespace character after JSON/, 'unexpected text after the JSON value'],
  [/^Bad control character in string literal/, 'control character in a string'],
  [/^Bad escaped character/, 'bad escape in a string'],
  [/^Bad Unicode escape/, 'bad escape in a string'],
  [/^Unterminated string/, 'unterminated string'],
  [/^Expected property name or '}'/, "expected a property name or '}'"],
  [/^Expected double-quoted property name/, 'expected a double-quoted property name'],
  [/^Expected ',' or '}' after property value/, "expected ',' or '}' after a property value"],
  [/^Expected ',' or ']' after array element/, "expected ',' or ']' after an array element"],
  [/^Expected ':' after property name/, "expected ':' after a property name"],
  [/^(?:Exponent part is missing a number|Unterminated fractional number|No number after minus sign)/, 'malformed number'],
];

function safeReason(message: string): string {
  for (const [pattern, reason] of knownReasons) if (pattern.test(message)) return reason;
  return 'not valid JSON';
}

function lineCol(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

const numberPattern = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const escapes = new Set(['"', '\\', '/', 'b', 'f', 'n', 'r', 't']);

/** Offset of the first syntax error in `text`, or -1 when it is valid JSON. */
export function findJsonErrorOffset(text: string): number {
  let i = 0;
  const n = text.length;
  const fail = (): never => {
    throw new JsonSyntaxAt(i);
  };
  const skipSpace = () => {
    while (i < n && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++;
  };
  const expect = (ch: string) => {
    if (text[i] !== ch) fail();
    i++;
  };
  const readString = () => {
    expect('"');
    while (i < n) {
      const ch = text[i] as string;
      if (ch === '"') {
        i++;
        return;
      }
      if (ch === '\\') {
        i++;
        const esc = text[i];
        if (esc === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 1, i + 5))) fail();
          i += 5;
        } else if (esc !== undefined && escapes.has(esc)) i++;
        else fail();
        continue;
      }
      if (ch.charCodeAt(0) < 0x20) fail();
      i++;
    }
    fail();
  };
  // Iterative over containers would be overkill: config files are shallow, and the caller
  // only reaches this after JSON.parse (which has its own depth limits) has already failed.
  const readValue = (depth: number): void => {
    if (depth > 512) fail();
    skipSpace();
    const ch = text[i];
    if (ch === '{') {
      i++;
      skipSpace();
      if (text[i] === '}') {
        i++;
        return;
      }
      for (;;) {
        skipSpace();
        readString();
        skipSpace();
        expect(':');
        readValue(depth + 1);
        skipSpace();
        if (text[i] === ',') i++;
        else return expect('}');
      }
    }
    if (ch === '[') {
      i++;
      skipSpace();
      if (text[i] === ']') {
        i++;
        return;
      }
      for (;;) {
        readValue(depth + 1);
        skipSpace();
        if (text[i] === ',') i++;
        else return expect(']');
      }
    }
    if (ch === '"') return readString();
    for (const word of ['true', 'false', 'null']) {
      if (text.startsWith(word, i)) {
        i += word.length;
        return;
      }
    }
    numberPattern.lastIndex = i;
    const m = numberPattern.exec(text);
    if (!m) fail();
    else i += m[0].length;
  };
  try {
    readValue(0);
    skipSpace();
    if (i < n) fail();
    return -1;
  } catch (err) {
    if (err instanceof JsonSyntaxAt) return err.offset;
    throw err;
  }
}

class JsonSyntaxAt extends Error {
  constructor(readonly offset: number) {
    super(`JSON syntax error at ${offset}`);
  }
}
