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
    const reason = (err instanceof Error ? err.message : String(err)).split(/, "|\s+in JSON at position/)[0] ?? 'invalid JSON';
    const pos = at < 0 ? undefined : lineCol(text, at);
    const place = pos ? ` at line ${pos.line}, column ${pos.column} (position ${at})` : '';
    throw new ApiError('invalid_payload', `${where}: invalid JSON${place}: ${reason}`);
  }
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
