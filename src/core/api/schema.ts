import { ApiError } from '../../shared/api/errors';
import type { JsonValue } from '../../shared/model/json';

/**
 * A small payload validator. Each command declares its payload once; the router checks it
 * before the handler runs, so handlers only ever see values of the declared types.
 * Keys are declared in snake_case and also accepted in camelCase (api-contract.md).
 */
export interface Schema<T> {
  readonly kind: string;
  /** Returns the validated value or throws an ApiError naming `where`. */
  parse(value: unknown, where: string): T;
  readonly optional?: boolean;
}

export type Infer<S> = S extends Schema<infer T> ? T : never;

function fail(where: string, expected: string, value: unknown): never {
  throw new ApiError('invalid_payload', `${where}: expected ${expected}, got ${describe(value)}`);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return value.length > 40 ? 'a string' : `"${value}"`;
  return typeof value === 'object' ? 'an object' : `${typeof value} ${String(value)}`;
}

interface StringOptions {
  min?: number;
  max?: number;
  trim?: boolean;
  pattern?: RegExp;
  patternText?: string;
}

export const s = {
  string(opts: StringOptions = {}): Schema<string> {
    const max = opts.max ?? 64 * 1024;
    return {
      kind: 'string',
      parse(value, where) {
        if (typeof value !== 'string') fail(where, 'a string', value);
        const v = opts.trim ? value.trim() : value;
        if (opts.min !== undefined && v.length < opts.min) {
          throw new ApiError('invalid_payload', opts.min === 1 ? `${where}: must not be empty` : `${where}: must be at least ${opts.min} characters`);
        }
        if (v.length > max) throw new ApiError('invalid_payload', `${where}: must be at most ${max} characters`);
        if (opts.pattern && !opts.pattern.test(v)) {
          throw new ApiError('invalid_payload', `${where}: ${opts.patternText ?? `must match ${opts.pattern}`}`);
        }
        return v;
      },
    };
  },

  number(opts: { min?: number; max?: number; integer?: boolean } = {}): Schema<number> {
    return {
      kind: 'number',
      parse(value, where) {
        if (typeof value !== 'number' || !Number.isFinite(value)) fail(where, opts.integer ? 'an integer' : 'a number', value);
        if (opts.integer && !Number.isInteger(value)) fail(where, 'an integer', value);
        if (opts.min !== undefined && value < opts.min) throw new ApiError('invalid_payload', `${where}: must be at least ${opts.min}`);
        if (opts.max !== undefined && value > opts.max) throw new ApiError('invalid_payload', `${where}: must be at most ${opts.max}`);
        return value;
      },
    };
  },

  /** An integer id; numeric strings are accepted because some clients send ids as text. */
  id(): Schema<number> {
    return {
      kind: 'id',
      parse(value, where) {
        const n = typeof value === 'string' && /^\d{1,15}$/.test(value) ? Number(value) : value;
        if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) fail(where, 'an integer id', value);
        return n;
      },
    };
  },

  boolean(): Schema<boolean> {
    return {
      kind: 'boolean',
      parse(value, where) {
        if (typeof value !== 'boolean') fail(where, 'true or false', value);
        return value;
      },
    };
  },

  literal<const T extends readonly string[]>(...values: T): Schema<T[number]> {
    return {
      kind: 'enum',
      parse(value, where) {
        if (typeof value !== 'string' || !values.includes(value)) fail(where, `one of ${values.map((v) => `"${v}"`).join(', ')}`, value);
        return value as T[number];
      },
    };
  },

  array<T>(item: Schema<T>, opts: { max?: number } = {}): Schema<T[]> {
    const max = opts.max ?? 10_000;
    return {
      kind: 'array',
      parse(value, where) {
        if (!Array.isArray(value)) fail(where, 'an array', value);
        if (value.length > max) throw new ApiError('invalid_payload', `${where}: at most ${max} items`);
        return value.map((v, i) => item.parse(v, `${where}[${i}]`));
      },
    };
  },

  /** Any JSON value, copied so that no prototype-polluting key survives. */
  json(): Schema<JsonValue> {
    return {
      kind: 'json',
      parse(value, where) {
        return cleanJson(value, where, 0);
      },
    };
  },

  optional<T>(inner: Schema<T>): Schema<T | undefined> {
    return {
      kind: inner.kind,
      optional: true,
      parse(value, where) {
        return value === undefined || value === null ? undefined : inner.parse(value, where);
      },
    };
  },

  /** Like optional, but an explicit null stays null (e.g. `parent_id: null`). */
  nullable<T>(inner: Schema<T>): Schema<T | null> {
    return {
      kind: inner.kind,
      optional: true,
      parse(value, where) {
        return value === undefined || value === null ? null : inner.parse(value, where);
      },
    };
  },

  object<F extends Record<string, Schema<unknown>>>(fields: F, opts: { aliases?: Partial<Record<keyof F, string[]>> } = {}): Schema<ObjectOf<F>> {
    return {
      kind: 'object',
      parse(value, where) {
        if (value === undefined || value === null) value = {};
        if (typeof value !== 'object' || Array.isArray(value)) fail(where, 'an object', value);
        const source = value as Record<string, unknown>;
        const out: Record<string, unknown> = {};
        for (const [key, schema] of Object.entries(fields)) {
          const names = [key, snakeToCamel(key), ...(opts.aliases?.[key as keyof F] ?? [])];
          const present = names.find((n) => Object.prototype.hasOwnProperty.call(source, n) && source[n] !== undefined);
          const raw = present === undefined ? undefined : source[present];
          if (raw === undefined && !schema.optional) {
            throw new ApiError('invalid_payload', `${where === 'payload' ? '' : `${where}.`}${key}: is required`);
          }
          const v = schema.parse(raw, where === 'payload' ? key : `${where}.${key}`);
          if (v !== undefined) out[key] = v;
        }
        return out as ObjectOf<F>;
      },
    };
  },
};

type OptionalKeys<F> = { [K in keyof F]: F[K] extends Schema<infer T> ? (undefined extends T ? K : never) : never }[keyof F];
type RequiredKeys<F> = Exclude<keyof F, OptionalKeys<F>>;
export type ObjectOf<F extends Record<string, Schema<unknown>>> = { [K in RequiredKeys<F>]: Infer<F[K]> } & {
  [K in OptionalKeys<F>]?: Exclude<Infer<F[K]>, undefined>;
};

export function snakeToCamel(key: string): string {
  return key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

const forbiddenKeys = new Set(['__proto__', 'constructor', 'prototype']);
const maxJsonDepth = 64;

function cleanJson(value: unknown, where: string, depth: number): JsonValue {
  if (depth > maxJsonDepth) throw new ApiError('invalid_payload', `${where}: nested deeper than ${maxJsonDepth} levels`);
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return value;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) fail(where, 'a finite number', value);
    return value;
  }
  if (Array.isArray(value)) return value.map((v, i) => cleanJson(v, `${where}[${i}]`, depth + 1));
  if (typeof value === 'object') {
    const out: Record<string, JsonValue> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (forbiddenKeys.has(k)) throw new ApiError('invalid_payload', `${where}.${k}: this key is not allowed`);
      out[k] = cleanJson(v, `${where}.${k}`, depth + 1);
    }
    return out;
  }
  return fail(where, 'a JSON value', value);
}
