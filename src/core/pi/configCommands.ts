import * as path from 'node:path';
import { ApiError } from '../../shared/api/errors';
import { s, type Schema } from '../api/schema';
import type { JsonValue } from '../../shared/model/json';
import { defineCommand } from '../api/types';
import type { Logger } from '../log';
import { parseJsonText } from './jsonText';
import { maxModelConfigBytes, ModelConfigStore, type ConfigPathAccess } from './modelConfig';
import type { ConfigPathUse, EditorPathGrants } from './modelConfigPaths';
import type { Caller } from '../api/types';
import { listPrompts, listSkills, listThemes, type ResourceDeps } from './resources';

export interface PiConfigCommandDeps {
  agentDir: string;
  homeDir: string;
  workspaceFolders: () => string[];
  log: Logger;
  /** Paths the editor's file dialogs picked; without it, import and export stay in the agent folder. */
  pathGrants?: EditorPathGrants;
}

/**
 * save_model_config accepts the config itself as the payload, or wrapped as `config` (an
 * object) or `content` (an object or the JSON text). A payload with `providers` is always the
 * config itself, so a wrapper key can never be mistaken for part of it.
 */
const saveConfigPayload: Schema<{ config: JsonValue }> = {
  kind: 'object',
  parse(value, where) {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new ApiError('invalid_payload', `${where}: expected the models config object`);
    }
    const raw = value as Record<string, unknown>;
    const has = (k: string) => Object.prototype.hasOwnProperty.call(raw, k) && raw[k] !== undefined;
    if (!has('providers') && has('content')) {
      const content = raw.content;
      if (typeof content === 'string') {
        if (Buffer.byteLength(content) > maxModelConfigBytes) throw new ApiError('too_large', `content: larger than ${maxModelConfigBytes} bytes`);
        return { config: s.json().parse(parseJsonText(content, 'content'), 'content') };
      }
      return { config: s.json().parse(content, 'content') };
    }
    if (!has('providers') && has('config')) return { config: s.json().parse(raw.config, 'config') };
    return { config: s.json().parse(raw, 'config') };
  },
};

const absolutePath = s.string({ min: 1, max: 4096 });
const grantId = s.optional(s.string({ min: 1, max: 200 }));

export function createPiConfigCommands(deps: PiConfigCommandDeps) {
  const store = new ModelConfigStore({ agentDir: deps.agentDir, log: deps.log });
  const resourceDeps = (cwd: string | undefined): ResourceDeps => ({
    agentDir: deps.agentDir,
    homeDir: deps.homeDir,
    workspaceFolders: cwd === undefined ? deps.workspaceFolders : () => [cwd],
    log: deps.log,
  });
  const listPayload = s.object({
    // Lists what pi would see when started in this folder, instead of in the workspace folders.
    cwd: s.optional(s.string({ min: 1, max: 4096 })),
  });
  /** A grant opens any path, but only the editor holds grants, and each one works once. */
  const access = (grant: string | undefined, file: string, use: ConfigPathUse, caller: Caller): ConfigPathAccess => {
    if (grant === undefined) return { granted: false };
    if (caller.transport !== 'ui') throw new ApiError('forbidden', 'grant: only the editor can use a path picked in its file dialogs');
    if (!deps.pathGrants?.consume(grant, file, use)) throw new ApiError('forbidden', 'grant: not a grant for this path (unknown, already used or expired)');
    return { granted: true };
  };
  const checkedCwd = (cwd: string | undefined) => {
    if (cwd === undefined) return undefined;
    if (!path.isAbsolute(cwd)) throw new ApiError('invalid_payload', 'cwd: must be an absolute path');
    return path.resolve(cwd);
  };

  return [
    defineCommand({
      name: 'load_model_config',
      scope: 'admin',
      summary: "pi's models.json: {path, exists, config}, plus any problems pi would report",
      payload: s.object({}),
      run: () => store.load(),
    }),
    defineCommand({
      name: 'save_model_config',
      scope: 'admin',
      summary: 'Validate and write models.json, keeping a backup of the previous file',
      payload: saveConfigPayload,
      run: (p) => store.save(p.config),
    }),
    defineCommand({
      name: 'import_model_config_from_path',
      scope: 'admin',
      summary: 'Replace models.json with a JSON file, or merge the file into it',
      payload: s.object({ path: absolutePath, mode: s.optional(s.literal('replace', 'merge')), grant: grantId }),
      run: (p, ctx) => store.importFromPath(p.path, p.mode ?? 'replace', access(p.grant, p.path, 'import_model_config', ctx.caller)),
    }),
    defineCommand({
      name: 'export_model_config_to_path',
      scope: 'admin',
      summary: 'Write models.json, pretty-printed, to a file (never over an existing one unless overwrite)',
      payload: s.object({ path: absolutePath, overwrite: s.optional(s.boolean()), grant: grantId }),
      run: (p, ctx) => store.exportToPath(p.path, p.overwrite ?? false, access(p.grant, p.path, 'export_model_config', ctx.caller)),
    }),
    defineCommand({
      name: 'list_model_config_backups',
      scope: 'admin',
      summary: 'Backups of models.json, newest first',
      payload: s.object({}),
      run: () => store.listBackups(),
    }),
    defineCommand({
      name: 'restore_model_config_backup',
      scope: 'admin',
      summary: 'Put a backup back as models.json (the current file is backed up first)',
      payload: s.object({ backup_name: s.string({ min: 1, max: 200 }) }),
      run: (p) => store.restoreBackup(p.backup_name),
    }),
    defineCommand({
      name: 'list_skills',
      aliases: ['scan_skills'],
      scope: 'read',
      summary: 'Skills pi discovers, invalid and shadowed ones included with the reason',
      payload: listPayload,
      run: (p) => listSkills(resourceDeps(checkedCwd(p.cwd))),
    }),
    defineCommand({
      name: 'list_prompts',
      aliases: ['scan_prompts'],
      scope: 'read',
      summary: 'Prompt templates pi discovers',
      payload: listPayload,
      run: (p) => listPrompts(resourceDeps(checkedCwd(p.cwd))),
    }),
    defineCommand({
      name: 'list_themes',
      scope: 'read',
      summary: 'Themes pi discovers, built-in ones first',
      payload: listPayload,
      run: (p) => listThemes(resourceDeps(checkedCwd(p.cwd))),
    }),
  ];
}
