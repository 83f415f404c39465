import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CommandRouter } from '../../../src/core/api/router';
import type { Caller, DispatchResult } from '../../../src/core/api/types';
import { EventBus } from '../../../src/core/events';
import { silentLogger } from '../../../src/core/log';
import { createPiConfigCommands } from '../../../src/core/pi/configCommands';

export const caller: Caller = { id: 't', transport: 'test', scopes: new Set(['read', 'write', 'admin']), isLocal: true };

export interface Sandbox {
  root: string;
  home: string;
  agentDir: string;
  workspaces: string[];
  call(command: string, payload?: unknown): Promise<DispatchResult>;
  /** Like call, but fails the test unless the command succeeded; returns its data. */
  ok<T = unknown>(command: string, payload?: unknown): Promise<T>;
  write(rel: string, content: string): string;
  cleanup(): void;
}

export function sandbox(): Sandbox {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'psm-'));
  const home = path.join(root, 'home');
  const agentDir = path.join(home, '.pi', 'agent');
  fs.mkdirSync(agentDir, { recursive: true });
  const workspaces: string[] = [];
  const router = new CommandRouter(new EventBus(), silentLogger);
  router.registerAll(createPiConfigCommands({ agentDir, homeDir: home, workspaceFolders: () => workspaces, log: silentLogger }));
  const call = (command: string, payload?: unknown) => router.dispatch(command, payload, caller);
  return {
    root,
    home,
    agentDir,
    workspaces,
    call,
    async ok<T>(command: string, payload?: unknown): Promise<T> {
      const res = await call(command, payload);
      if (!res.success) throw new Error(`${command} failed: ${res.error}`);
      return res.data as T;
    },
    write(rel: string, content: string): string {
      const file = path.join(root, rel);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, content);
      return file;
    },
    cleanup: () => fs.rmSync(root, { recursive: true, force: true }),
  };
}

/** A provider pi accepts: custom models need baseUrl, apiKey and an api. */
export function validConfig(modelIds: string[] = ['m1']): { providers: Record<string, unknown> } {
  return {
    providers: {
      fakellm: {
        baseUrl: 'http://127.0.0.1:9/v1',
        apiKey: 'FAKE_KEY',
        api: 'openai-completions',
        models: modelIds.map((id) => ({ id, name: id.toUpperCase() })),
      },
    },
  };
}

/** Saves a project trust decision the way pi's `/trust` does: canonical folder → decision in trust.json. */
export function trustFolder(sb: Sandbox, folder: string, decision: boolean | null = true): void {
  const file = path.join(sb.agentDir, 'trust.json');
  const data = fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, boolean | null>) : {};
  data[fs.realpathSync(folder)] = decision;
  fs.writeFileSync(file, `${JSON.stringify(data, null, 2)}\n`);
}
