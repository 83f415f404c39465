import * as fs from 'node:fs';
import * as path from 'node:path';
import type { TokenStore } from '../../auth/tokenStore';
import { writeFileAtomic } from '../../util/atomicWrite';

/**
 * Installing the bridge means: our pi extension in `<agent dir>/extensions/pi-session-manager/`
 * (pi discovers `*\/index.js` there, for every pi of that agent dir, in every mode), and beside
 * it `config.json` with the server URL and a token of its own that has only the `bridge`
 * scope. Uninstalling removes the folder and revokes that token. Both are idempotent.
 */
export const bridgeFolderName = 'pi-session-manager';
const configName = 'config.json';
const scriptName = 'index.js';

export interface BridgeInstallOptions {
  agentDir: string;
  /** The built extension (`dist/piSessionBridge.js`). */
  script: string;
  /** The server's WebSocket URL, `ws://127.0.0.1:52131/ws`. */
  url: string;
  tokens: Pick<TokenStore, 'create' | 'revoke' | 'verify'>;
}

export interface BridgeInstallResult {
  folder: string;
  url: string;
  token_id: number;
  /** False when the token of an earlier install was still valid and is kept. */
  token_created: boolean;
}

export interface BridgeUninstallResult {
  folder: string;
  removed: boolean;
  token_revoked: boolean;
}

interface StoredConfig {
  url: string;
  token: string;
  token_id: number;
}

export function bridgeFolder(agentDir: string): string {
  return path.join(agentDir, 'extensions', bridgeFolderName);
}

/** `ws://host:port/ws` from the server's HTTP URL or a bare host and port. */
export function bridgeUrlFor(host: string, port: number): string {
  const h = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  return `ws://${h.includes(':') ? `[${h}]` : h}:${port}/ws`;
}

export async function installBridge(options: BridgeInstallOptions): Promise<BridgeInstallResult> {
  const url = checkUrl(options.url);
  const script = await fs.promises.readFile(options.script).catch(() => {
    throw new Error(`the pi bridge extension is missing: ${options.script} (build it with npm run build)`);
  });
  const folder = bridgeFolder(options.agentDir);
  await fs.promises.mkdir(folder, { recursive: true });
  const previous = await readStoredConfig(folder);
  // A reinstall keeps a token that still works, so a pi already connected is not cut off.
  let tokenId: number;
  let token: string;
  let created = false;
  const stillValid = previous ? options.tokens.verify(previous.token) : undefined;
  if (previous && stillValid && stillValid.id === previous.token_id && stillValid.scopes.length === 1 && stillValid.scopes[0] === 'bridge') {
    tokenId = previous.token_id;
    token = previous.token;
  } else {
    if (previous) await options.tokens.revoke(previous.token_id);
    const minted = await options.tokens.create(`pi bridge (${options.agentDir})`, ['bridge']);
    tokenId = minted.id;
    token = minted.token;
    created = true;
  }
  const config: StoredConfig = { url, token, token_id: tokenId };
  // The config holds a secret: readable by the user only. Written first, so the script never runs without it.
  await writeFileAtomic(path.join(folder, configName), `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
  await writeFileAtomic(path.join(folder, scriptName), script);
  return { folder, url, token_id: tokenId, token_created: created };
}

export async function uninstallBridge(options: { agentDir: string; tokens: Pick<TokenStore, 'revoke'> }): Promise<BridgeUninstallResult> {
  const folder = bridgeFolder(options.agentDir);
  const previous = await readStoredConfig(folder);
  const revoked = previous ? await options.tokens.revoke(previous.token_id) : false;
  const existed = fs.existsSync(folder);
  await fs.promises.rm(folder, { recursive: true, force: true });
  return { folder, removed: existed, token_revoked: revoked };
}

/** Whether the bridge is installed in this agent dir, and for which server. */
export async function bridgeInstallation(agentDir: string): Promise<{ folder: string; url: string } | undefined> {
  const folder = bridgeFolder(agentDir);
  const config = await readStoredConfig(folder);
  return config && fs.existsSync(path.join(folder, scriptName)) ? { folder, url: config.url } : undefined;
}

function checkUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error(`--url: not a URL: ${raw}`);
  }
  if (url.protocol !== 'ws:' && url.protocol !== 'wss:') throw new Error(`--url: expected ws:// or wss://, got ${url.protocol}`);
  if (url.search !== '') throw new Error('--url: leave the token out of the URL; the bridge gets its own');
  return url.toString();
}

async function readStoredConfig(folder: string): Promise<StoredConfig | undefined> {
  try {
    const raw = JSON.parse(await fs.promises.readFile(path.join(folder, configName), 'utf8')) as Record<string, unknown>;
    if (typeof raw.url !== 'string' || typeof raw.token !== 'string' || typeof raw.token_id !== 'number') return undefined;
    return { url: raw.url, token: raw.token, token_id: raw.token_id };
  } catch {
    return undefined;
  }
}
