import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { ApiError } from '../../shared/api/errors';
import { isInside } from '../sessions/sessionPathGuard';

export type ConfigPathUse = 'import_model_config' | 'export_model_config';

/** A grant is for the dialog that just closed, not for later. */
const grantLifetimeMs = 2 * 60_000;

/**
 * Paths the user picked in one of the editor's file dialogs. The editor (extension host code,
 * never a webview or a network client) grants the picked path for one call; the command then
 * accepts that exact path once, from a `ui` caller only.
 */
export class EditorPathGrants {
  private readonly grants = new Map<string, { file: string; use: ConfigPathUse; expires: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  grant(file: string, use: ConfigPathUse): string {
    this.prune();
    const id = randomBytes(16).toString('hex');
    this.grants.set(id, { file: path.resolve(file), use, expires: this.now() + grantLifetimeMs });
    return id;
  }

  /** Whether `id` grants `file` for `use`; a matching grant is used up. */
  consume(id: string, file: string, use: ConfigPathUse): boolean {
    this.prune();
    const grant = this.grants.get(id);
    if (!grant || grant.use !== use || grant.file !== path.resolve(file)) return false;
    this.grants.delete(id);
    return true;
  }

  private prune(): void {
    const now = this.now();
    for (const [id, g] of this.grants) if (g.expires <= now) this.grants.delete(id);
  }
}

/**
 * Without a grant, import and export stay inside pi's agent folder: `models*.json` files
 * directly in it (never auth.json or settings.json), or any `.json` below its `backups`
 * folder. The check is made on the path as written before anything on disk is looked at, so
 * a refusal says nothing about whether the file exists; then again on the real folder, so a
 * symlinked folder cannot lead out.
 */
export async function checkConfigPathAllowed(file: string, agentDir: string, field: string): Promise<void> {
  const agentDirs = [path.resolve(agentDir), await fs.promises.realpath(agentDir).catch(() => path.resolve(agentDir))];
  const refuse = () =>
    new ApiError(
      'forbidden',
      `${field}: models.json can be imported from or exported to only ${path.join(agentDir, 'models*.json')} or a .json file under ${path.join(agentDir, 'backups')}; pick the file in the editor to use any other place`,
    );
  const allowedIn = (folder: string) =>
    agentDirs.some((root) => (folder === root && /^models[^/\\]*\.json$/i.test(path.basename(file))) || folder === path.join(root, 'backups') || isInside(folder, path.join(root, 'backups')));
  if (!file.toLowerCase().endsWith('.json') || !allowedIn(path.dirname(file))) throw refuse();
  const realFolder = await fs.promises.realpath(path.dirname(file)).catch(() => undefined);
  if (realFolder !== undefined && !allowedIn(realFolder)) throw refuse();
}
