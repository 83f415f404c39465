import type { JsonValue } from '../../shared/model/json';
import type { JsonObject } from '../../shared/model/json';

export interface ConfigCheck {
  /** Problems pi refuses the whole file for; each starts with the field it is about. */
  readonly errors: string[];
  /** Things pi accepts but that are probably mistakes. */
  readonly warnings: string[];
}

/**
 * Providers pi ships models for: pi 1.6's `@earendil-works/pi-ai/dist/providers/*.models.js`.
 * Custom models added to one of these inherit endpoint and auth from the built-in ones, so pi
 * does not demand baseUrl/apiKey.
 */
const builtInProviders = new Set([
  'amazon-bedrock', 'ant-ling', 'anthropic', 'azure', 'baseten', 'cerebras', 'cloudflare-ai-gateway', 'cloudflare-workers-ai',
  'deepseek', 'fireworks', 'github-copilot', 'google', 'google-vertex', 'groq', 'huggingface', 'kimi-coding', 'meta',
  'minimax', 'minimax-cn', 'mistral', 'moonshotai', 'moonshotai-cn', 'nvidia', 'openai', 'openai-codex', 'opencode',
  'opencode-go', 'openrouter', 'qwen-token-plan', 'qwen-token-plan-cn', 'qwen-token-plan-individual',
  'qwen-token-plan-individual-cn', 'radius', 'together', 'typesafe', 'vercel-ai-gateway', 'xai', 'xiaomi',
  'xiaomi-token-plan-ams', 'xiaomi-token-plan-cn', 'xiaomi-token-plan-sgp', 'zai', 'zai-coding-cn',
]);

/** Provider names pi 1.6 renamed; the old name is still accepted here, with a warning. */
const renamedProviders: Readonly<Record<string, string>> = { 'azure-openai-responses': 'azure' };

/** `oauth` login flows pi 1.6 knows. */
const oauthFlows = new Set(['radius']);

/** `compat.sessionAffinityFormat` values pi 1.6 accepts. */
const sessionAffinityFormats = new Set(['openai', 'openai-nosession', 'openrouter']);

/** Thinking levels a `thinkingLevelMap` may name. */
const thinkingLevels = new Set(['off', 'minimal', 'low', 'medium', 'high', 'xhigh', 'max']);

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
  // pi's schema has `providers` and an optional `$schema`. Anything else would be ignored by
  // pi, and accepting it would let models.json carry arbitrary JSON that export then writes elsewhere.
  for (const key of Object.keys(value)) {
    if (key !== 'providers' && key !== '$schema' && !isForbiddenKey(key)) errors.push(`${key}: not a models.json key (pi reads only "providers" and "$schema")`);
  }
  checkText(value.$schema, '$schema', errors);
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
  checkCompat(provider.compat, `${at}.compat`, errors, warnings);
  const oauth = provider.oauth;
  if (oauth !== undefined && (typeof oauth !== 'string' || !oauthFlows.has(oauth))) {
    errors.push(`${at}.oauth: expected one of ${[...oauthFlows].map((f) => `"${f}"`).join(', ')}`);
  }
  if (oauth !== undefined && !provider.baseUrl) errors.push(`${at}.baseUrl: is required when oauth is set`);

  const renamedTo = renamedProviders[name];
  if (renamedTo !== undefined) warnings.push(`${at}: pi 1.6 renamed provider "${name}" to "${renamedTo}"; rename this key so pi 1.6 applies it to its built-in models`);
  const builtIn = builtInProviders.has(name) || renamedTo !== undefined;
  const models = provider.models;
  let modelCount = 0;
  if (models !== undefined) {
    if (!Array.isArray(models)) errors.push(`${at}.models: expected an array, got ${describe(models)}`);
    else {
      modelCount = models.length;
      const seen = new Set<string>();
      models.forEach((model, i) => {
        const id = checkModel(model, `${at}.models[${i}]`, !builtIn && !provider.api, errors, warnings);
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
        checkOverride(override, `${at}.modelOverrides.${id}`, errors, warnings);
      }
    }
  }

  if (modelCount > 0 && !builtIn) {
    if (!provider.baseUrl) errors.push(`${at}.baseUrl: is required when models are defined`);
    if (!provider.apiKey && oauth === undefined) errors.push(`${at}.apiKey: is required when models are defined (or set oauth)`);
  }
  const configuresSomething = provider.baseUrl || provider.headers || provider.compat || provider.apiKey || oauth !== undefined || provider.authHeader !== undefined;
  if (modelCount === 0 && !configuresSomething && overrideCount === 0) {
    errors.push(`${at}: needs at least one of baseUrl, headers, compat, apiKey, oauth, authHeader, modelOverrides or models`);
  }
}

/** Returns the model id when it is usable, to detect duplicates. */
function checkModel(model: unknown, at: string, needsApi: boolean, errors: string[], warnings: string[]): string | undefined {
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
  checkModelFields(model, at, errors, warnings, true);
  return id;
}

function checkOverride(override: unknown, at: string, errors: string[], warnings: string[]): void {
  if (!isPlainObject(override)) {
    errors.push(`${at}: expected an object, got ${describe(override)}`);
    return;
  }
  checkText(override.name, `${at}.name`, errors);
  checkModelFields(override, at, errors, warnings, false);
}

/** Fields shared by custom models and model overrides. */
function checkModelFields(model: JsonObject, at: string, errors: string[], warnings: string[], fullCost: boolean): void {
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
      if (model.cost.tiers !== undefined && !Array.isArray(model.cost.tiers)) errors.push(`${at}.cost.tiers: expected an array, got ${describe(model.cost.tiers)}`);
    }
  }
  checkPromptCache(model.promptCache, `${at}.promptCache`, errors);
  checkInputLimits(model.inputLimits, `${at}.inputLimits`, errors);
  checkThinkingLevelMap(model.thinkingLevelMap, `${at}.thinkingLevelMap`, errors, warnings);
  checkHeaders(model.headers, `${at}.headers`, errors);
  checkCompat(model.compat, `${at}.compat`, errors, warnings);
}

/** pi 1.6 `promptCache`: seconds a cache tier lives; pi warms only tiers it knows. */
function checkPromptCache(value: JsonValue | undefined, at: string, errors: string[]): void {
  if (value === undefined) return;
  if (!isPlainObject(value)) {
    errors.push(`${at}: expected an object, got ${describe(value)}`);
    return;
  }
  for (const tier of ['short', 'long']) checkPositive(value[tier], `${at}.${tier}`, errors, false);
}

/** pi 1.6 `inputLimits`: request size and image limits, all positive integers. */
function checkInputLimits(value: JsonValue | undefined, at: string, errors: string[]): void {
  if (value === undefined) return;
  if (!isPlainObject(value)) {
    errors.push(`${at}: expected an object, got ${describe(value)}`);
    return;
  }
  checkPositive(value.maxRequestBytes, `${at}.maxRequestBytes`, errors, true);
  const images = value.images;
  if (images === undefined) return;
  if (!isPlainObject(images)) {
    errors.push(`${at}.images: expected an object, got ${describe(images)}`);
    return;
  }
  checkPositive(images.maxPerMessage, `${at}.images.maxPerMessage`, errors, true);
  checkPositive(images.maxPerRequest, `${at}.images.maxPerRequest`, errors, true);
  const resize = images.resize;
  if (resize === undefined) return;
  if (!isPlainObject(resize)) {
    errors.push(`${at}.images.resize: expected an object, got ${describe(resize)}`);
    return;
  }
  for (const key of ['maxWidth', 'maxHeight', 'maxBytes']) checkPositive(resize[key], `${at}.images.resize.${key}`, errors, true);
  const quality = resize.jpegQuality;
  if (quality !== undefined && (typeof quality !== 'number' || !Number.isInteger(quality) || quality < 1 || quality > 100)) {
    errors.push(`${at}.images.resize.jpegQuality: expected an integer from 1 to 100`);
  }
}

/** pi 1.6 `thinkingLevelMap`: the provider's value per thinking level; null marks a level unsupported. */
function checkThinkingLevelMap(value: JsonValue | undefined, at: string, errors: string[], warnings: string[]): void {
  if (value === undefined) return;
  if (!isPlainObject(value)) {
    errors.push(`${at}: expected an object, got ${describe(value)}`);
    return;
  }
  for (const [level, v] of Object.entries(value)) {
    if (isForbiddenKey(level)) continue;
    // pi's schema is open here, so an unknown level is accepted and never used.
    if (!thinkingLevels.has(level)) warnings.push(`${at}.${level}: not a thinking level pi uses (${[...thinkingLevels].join(', ')}); it is ignored`);
    else if (v !== null && typeof v !== 'string') errors.push(`${at}.${level}: expected a string or null, got ${describe(v)}`);
  }
}

/** `compat` is open in pi, but pi 1.6 replaced `sendSessionIdHeader` with `sessionAffinityFormat`. */
function checkCompat(value: JsonValue | undefined, at: string, errors: string[], warnings: string[]): void {
  if (value === undefined) return;
  if (!isPlainObject(value)) {
    errors.push(`${at}: expected an object, got ${describe(value)}`);
    return;
  }
  const format = value.sessionAffinityFormat;
  if (format !== undefined && (typeof format !== 'string' || !sessionAffinityFormats.has(format))) {
    errors.push(`${at}.sessionAffinityFormat: expected one of ${[...sessionAffinityFormats].map((f) => `"${f}"`).join(', ')}`);
  }
  if (value.sendSessionIdHeader !== undefined) {
    warnings.push(`${at}.sendSessionIdHeader: pi 1.6 ignores it; it became compat.sessionAffinityFormat ("openai", "openai-nosession" or "openrouter")`);
  }
}

function checkPositive(value: JsonValue | undefined, at: string, errors: string[], integer: boolean): void {
  if (value === undefined) return;
  if (typeof value !== 'number') errors.push(`${at}: expected a number, got ${describe(value)}`);
  else if (integer && !Number.isInteger(value)) errors.push(`${at}: expected a whole number`);
  else if (integer ? value < 1 : value <= 0) errors.push(`${at}: must be greater than 0`);
}

function checkText(value: JsonValue | undefined, at: string, errors: string[]): void {
  if (value === undefined) return;
  if (typeof value !== 'string') errors.push(`${at}: expected a string, got ${describe(value)}`);
  else if (value.length === 0) errors.push(`${at}: must not be empty`);
}

function checkType(value: JsonValue | undefined, type: 'boolean', at: string, errors: string[]): void {
  if (value !== undefined && typeof value !== type) errors.push(`${at}: expected a ${type}, got ${describe(value)}`);
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
