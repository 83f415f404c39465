import type { JsonValue } from '../../shared/model/json';
import type { JsonObject } from '../../shared/model/json';

export interface ConfigCheck {
  /** Problems pi refuses the whole file for; each starts with the field it is about. */
  readonly errors: string[];
  /** Things pi accepts but that are probably mistakes. */
  readonly warnings: string[];
}

/**
 * Providers pi ships models for (pi-ai `getProviders()`, 0.73.1). Custom models added to one of
 * these inherit endpoint and auth from the built-in ones, so pi does not demand baseUrl/apiKey.
 */
const builtInProviders = new Set([
  'amazon-bedrock', 'anthropic', 'azure-openai-responses', 'cerebras', 'cloudflare-ai-gateway', 'cloudflare-workers-ai',
  'deepseek', 'fireworks', 'github-copilot', 'google', 'google-vertex', 'groq',
  'huggingface', 'kimi-coding', 'minimax', 'minimax-cn', 'mistral', 'moonshotai', 'moonshotai-cn', 'openai', 'openai-codex',
  'opencode', 'opencode-go', 'openrouter', 'vercel-ai-gateway', 'xai', 'xiaomi', 'xiaomi-token-plan-ams',
  'xiaomi-token-plan-cn', 'xiaomi-token-plan-sgp', 'zai',
]);

const forbiddenKeys = new Set(['__proto__', 'constructor', 'prototype']);

export function isPlainObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function isForbiddenKey(key: string): boolean {
  return forbiddenKeys.has(key);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : typeof value;
}

/**
 * Checks a models.json document against what pi's model registry accepts (its TypeBox schema
 * plus `validateConfig`), so a file we write is never one pi would reject.
 */
export function checkModelConfig(value: unknown): ConfigCheck {
  const errors: string[] = [];
  const warnings: string[] = [];
  collectForbiddenKeys(value, '', errors, 0);
  if (!isPlainObject(value)) {
    errors.push(`config: expected an object, got ${describe(value)}`);
    return { errors, warnings };
  }
  // pi's schema has one top-level key. Anything else would be ignored by pi, and accepting
  // it would let models.json carry arbitrary JSON that export then writes elsewhere.
  for (const key of Object.keys(value)) {
    if (key !== 'providers' && !isForbiddenKey(key)) errors.push(`${key}: not a models.json key (pi reads only "providers")`);
  }
  const providers = value.providers;
  if (providers === undefined) {
    errors.push('providers: is required');
    return { errors, warnings };
  }
  if (!isPlainObject(providers)) {
    errors.push(`providers: expected an object, got ${describe(providers)}`);
    return { errors, warnings };
  }
  for (const [name, provider] of Object.entries(providers)) {
    if (isForbiddenKey(name)) continue;
    checkProvider(name, provider, errors, warnings);
  }
  return { errors, warnings };
}

function checkProvider(name: string, provider: unknown, errors: string[], warnings: string[]): void {
  const at = `providers.${name}`;
  if (!isPlainObject(provider)) {
    errors.push(`${at}: expected an object, got ${describe(provider)}`);
    return;
  }
  for (const key of ['name', 'baseUrl', 'apiKey', 'api']) checkText(provider[key], `${at}.${key}`, errors);
  checkHeaders(provider.headers, `${at}.headers`, errors);
  checkType(provider.authHeader, 'boolean', `${at}.authHeader`, errors);
  checkObject(provider.compat, `${at}.compat`, errors);

  const builtIn = builtInProviders.has(name);
  const models = provider.models;
  let modelCount = 0;
  if (models !== undefined) {
    if (!Array.isArray(models)) errors.push(`${at}.models: expected an array, got ${describe(models)}`);
    else {
      modelCount = models.length;
      const seen = new Set<string>();
      models.forEach((model, i) => {
        const id = checkModel(model, `${at}.models[${i}]`, !builtIn && !provider.api, errors);
        if (id !== undefined) {
          if (seen.has(id)) warnings.push(`${at}.models[${i}].id: "${id}" appears more than once; the last one wins`);
          seen.add(id);
        }
      });
    }
  }

  const overrides = provider.modelOverrides;
  let overrideCount = 0;
  if (overrides !== undefined) {
    if (!isPlainObject(overrides)) errors.push(`${at}.modelOverrides: expected an object, got ${describe(overrides)}`);
    else {
      for (const [id, override] of Object.entries(overrides)) {
        if (isForbiddenKey(id)) continue;
        overrideCount++;
        checkOverride(override, `${at}.modelOverrides.${id}`, errors);
      }
    }
  }

  if (modelCount > 0 && !builtIn) {
    if (!provider.baseUrl) errors.push(`${at}.baseUrl: is required when models are defined`);
    if (!provider.apiKey) errors.push(`${at}.apiKey: is required when models are defined`);
  }
  if (modelCount === 0 && !provider.baseUrl && !provider.headers && !provider.compat && overrideCount === 0) {
    errors.push(`${at}: needs at least one of baseUrl, headers, compat, modelOverrides or models`);
  }
}

/** Returns the model id when it is usable, to detect duplicates. */
function checkModel(model: unknown, at: string, needsApi: boolean, errors: string[]): string | undefined {
  if (!isPlainObject(model)) {
    errors.push(`${at}: expected an object, got ${describe(model)}`);
    return undefined;
  }
  let id: string | undefined;
  if (model.id === undefined) errors.push(`${at}.id: is required`);
  else if (typeof model.id !== 'string' || model.id.length === 0) errors.push(`${at}.id: expected a non-empty string`);
  else id = model.id;
  for (const key of ['name', 'api', 'baseUrl']) checkText(model[key], `${at}.${key}`, errors);
  if (needsApi && !model.api) errors.push(`${at}.api: is required (set api on the provider or on the model)`);
  checkModelFields(model, at, errors, true);
  return id;
}

function checkOverride(override: unknown, at: string, errors: string[]): void {
  if (!isPlainObject(override)) {
    errors.push(`${at}: expected an object, got ${describe(override)}`);
    return;
  }
  checkText(override.name, `${at}.name`, errors);
  checkModelFields(override, at, errors, false);
}

/** Fields shared by custom models and model overrides. */
function checkModelFields(model: JsonObject, at: string, errors: string[], fullCost: boolean): void {
  checkType(model.reasoning, 'boolean', `${at}.reasoning`, errors);
  for (const key of ['contextWindow', 'maxTokens']) {
    const v = model[key];
    if (v === undefined) continue;
    if (typeof v !== 'number') errors.push(`${at}.${key}: expected a number, got ${describe(v)}`);
    else if (v <= 0) errors.push(`${at}.${key}: must be greater than 0`);
  }
  if (model.input !== undefined) {
    if (!Array.isArray(model.input)) errors.push(`${at}.input: expected an array, got ${describe(model.input)}`);
    else {
      model.input.forEach((v, i) => {
        if (v !== 'text' && v !== 'image') errors.push(`${at}.input[${i}]: expected "text" or "image"`);
      });
    }
  }
  if (model.cost !== undefined) {
    if (!isPlainObject(model.cost)) errors.push(`${at}.cost: expected an object, got ${describe(model.cost)}`);
    else {
      for (const key of ['input', 'output', 'cacheRead', 'cacheWrite']) {
        const v = model.cost[key];
        if (v === undefined) {
          if (fullCost) errors.push(`${at}.cost.${key}: is required`);
        } else if (typeof v !== 'number') errors.push(`${at}.cost.${key}: expected a number, got ${describe(v)}`);
      }
    }
  }
  checkHeaders(model.headers, `${at}.headers`, errors);
  checkObject(model.compat, `${at}.compat`, errors);
}

function checkText(value: JsonValue | undefined, at: string, errors: string[]): void {
  if (value === undefined) return;
  if (typeof value !== 'string') errors.push(`${at}: expected a string, got ${describe(value)}`);
  else if (value.length === 0) errors.push(`${at}: must not be empty`);
}

function checkType(value: JsonValue | undefined, type: 'boolean', at: string, errors: string[]): void {
  if (value !== undefined && typeof value !== type) errors.push(`${at}: expected a ${type}, got ${describe(value)}`);
}

function checkObject(value: JsonValue | undefined, at: string, errors: string[]): void {
  if (value !== undefined && !isPlainObject(value)) errors.push(`${at}: expected an object, got ${describe(value)}`);
}

function checkHeaders(value: JsonValue | undefined, at: string, errors: string[]): void {
  if (value === undefined) return;
  if (!isPlainObject(value)) {
    errors.push(`${at}: expected an object, got ${describe(value)}`);
    return;
  }
  for (const [key, v] of Object.entries(value)) {
    if (typeof v !== 'string' && !isForbiddenKey(key)) errors.push(`${at}.${key}: expected a string, got ${describe(v)}`);
  }
}

/** Keys that could reach an object's prototype if some later code merged the document naively. */
function collectForbiddenKeys(value: unknown, at: string, errors: string[], depth: number): void {
  if (depth > 64 || typeof value !== 'object' || value === null) return;
  if (Array.isArray(value)) {
    value.forEach((v, i) => collectForbiddenKeys(v, `${at}[${i}]`, errors, depth + 1));
    return;
  }
  for (const key of Object.keys(value)) {
    const path = at ? `${at}.${key}` : key;
    if (isForbiddenKey(key)) errors.push(`${path}: this key is not allowed`);
    else collectForbiddenKeys((value as Record<string, unknown>)[key], path, errors, depth + 1);
  }
}
