// One code-server + Chromium session with its own work folder, ports and driver endpoint.
// Both the main suite (extension under development + in-host tests) and the vsix check
// (installed extension, checks from outside) are built on this.
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { startCodeServer } from './codeServer.mjs';
import { createWorkFolder, freePort, isolatedEnv, removeWorkFolder } from './workFolder.mjs';
import { openWorkbench, startDriverServer, workbenchUrl } from './workbench.mjs';
import { writeLanguagePack } from './languagePack.mjs';

export const repoRoot = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../..');
export const outputDir = path.join(repoRoot, '.test-output', 'e2e');

/** Everything started for a session, stopped in reverse order by `dispose()`; safe to call twice. */
export class HostSession {
  constructor(label) {
    this.label = label;
    this.logDir = path.join(outputDir, 'logs', label);
    rmSync(this.logDir, { recursive: true, force: true });
    mkdirSync(this.logDir, { recursive: true });
    this.work = createWorkFolder(label);
    this.ctx = { page: undefined, screenshotDir: outputDir, prefix: `${label}-`, screenshots: [], report: undefined };
    this.disposers = [];
  }

  /** Picks ports, starts the driver endpoint and code-server; `prepare(env)` runs before code-server starts. */
  /** `locale` starts the workbench in that display language; `env` adds variables for the extension host. */
  async startServer({ bin, prepare, locale, env = {} } = {}) {
    this.apiPort = await freePort();
    this.codeServerPort = await freePort();
    const driver = await startDriverServer(this.ctx);
    this.disposers.push(driver.close);
    this.env = isolatedEnv(this.work, {
      PI_SESSIONS_PORT: String(this.apiPort),
      PSM_E2E_DRIVER_URL: driver.url,
      PSM_E2E_FIXTURE_SESSIONS: JSON.stringify(this.work.sessions),
      ...env,
    });
    if (locale) writeLanguagePack({ extensionsDir: this.work.extensions, userDataDir: this.work.userData, locale });
    await prepare?.(this.env);
    const server = await startCodeServer({
      bin,
      work: this.work,
      port: this.codeServerPort,
      env: this.env,
      logFile: path.join(this.logDir, 'code-server.log'),
      locale,
    });
    this.disposers.push(server.stop);
    this.baseUrl = server.url;
    return server;
  }

  async openBrowser({ extensionDevelopmentPath, extensionTestsPath, onLog } = {}) {
    const url = workbenchUrl(this.baseUrl, { folder: this.work.workspace, extensionDevelopmentPath, extensionTestsPath });
    const workbench = await openWorkbench({
      url,
      profileDir: this.work.browserProfile,
      env: this.env,
      logFile: path.join(this.logDir, 'browser.log'),
      onLog,
    });
    this.disposers.push(workbench.close);
    this.ctx.page = workbench.page;
    this.ctx.cspMessages = workbench.cspMessages;
    return workbench;
  }

  async screenshot(name) {
    if (!this.ctx.page) return undefined;
    const file = path.join(outputDir, `${this.label}-${name}.png`);
    await this.ctx.page.screenshot({ path: file }).catch(() => undefined);
    if (existsSync(file)) this.ctx.screenshots.push(file);
    return existsSync(file) ? file : undefined;
  }

  async dispose() {
    const disposers = this.disposers.reverse();
    this.disposers = [];
    for (const d of disposers) await d().catch(() => undefined);
    this.collectLogs();
    if (process.env.PSM_E2E_KEEP_WORK !== '1') removeWorkFolder(this.work);
  }

  /** Copies VS Code's own logs (extension host, the extension's output channel) next to ours. */
  collectLogs() {
    const logs = path.join(this.work.userData, 'logs');
    if (existsSync(logs)) cpSync(logs, path.join(this.logDir, 'vscode'), { recursive: true });
  }

  /** Lines of the extension's "Pi Sessions" output channel that are warnings or errors. */
  extensionProblems() {
    const files = findFiles(path.join(this.logDir, 'vscode'), (f) => path.basename(f) === 'Pi Sessions.log');
    return files.flatMap((f) =>
      readFileSync(f, 'utf8')
        .split('\n')
        .filter((l) => /\[(error|warning)\]/.test(l)),
    );
  }

  /**
   * Errors the extension host logged whose stack passes through this extension's bundle
   * (e.g. activation failures or exceptions while shutting down), first lines only.
   */
  hostErrors() {
    const files = findFiles(path.join(this.logDir, 'vscode'), (f) => /exthost\.log$/.test(f));
    const out = [];
    for (const file of files) {
      const blocks = readFileSync(file, 'utf8').split(/\n(?=\d{4}-\d\d-\d\d )/);
      for (const block of blocks) {
        if (!/\[error\]/.test(block.split('\n')[0])) continue;
        if (!/pi-session-manager|\/dist\/extension\.js/.test(block)) continue;
        out.push(block.split('\n').slice(0, 4).join('\n'));
      }
    }
    return out;
  }

  extensionLogFiles() {
    return findFiles(path.join(this.logDir, 'vscode'), (f) => path.basename(f) === 'Pi Sessions.log');
  }
}

function findFiles(dir, match) {
  if (!existsSync(dir)) return [];
  const out = [];
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) out.push(...findFiles(full, match));
    else if (match(full)) out.push(full);
  }
  return out;
}
