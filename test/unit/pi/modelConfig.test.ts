import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { sandbox, validConfig, type Sandbox } from './helpers';
import { checkModelConfig, mergeModelConfigs, ModelConfigStore } from '../../../src/core/pi/modelConfig';
import type { ModelConfigBackup, ModelConfigLoad, ModelConfigWrite } from '../../../src/shared/model/pi';
import { findJsonErrorOffset } from '../../../src/core/pi/jsonText';
import { writeFileAtomic } from '../../../src/core/util/atomicWrite';
import { silentLogger } from '../../../src/core/log';

function withSandbox(name: string, body: (sb: Sandbox) => Promise<void>) {
  test(name, async () => {
    const sb = sandbox();
    try {
      await body(sb);
    } finally {
      sb.cleanup();
    }
  });
}

const modelsFile = (sb: Sandbox) => path.join(sb.agentDir, 'models.json');
const backupsDir = (sb: Sandbox) => path.join(sb.agentDir, 'backups', 'models');

withSandbox('load: a missing file reports exists false', async (sb) => {
  const data = await sb.ok<ModelConfigLoad>('load_model_config');
  assert.equal(data.path, modelsFile(sb));
  assert.equal(data.exists, false);
  assert.equal(data.config, null);
});

withSandbox('load: a broken file is reported with its position, not thrown', async (sb) => {
  fs.writeFileSync(modelsFile(sb), '{\n  "providers": {\n    "x": 1,\n  }\n}\n');
  const data = await sb.ok<ModelConfigLoad>('load_model_config');
  assert.equal(data.exists, true);
  assert.equal(data.config, null);
  assert.match(data.error ?? '', /line 4, column 3/);
});

withSandbox('save: the config as the payload, under config, and as content text', async (sb) => {
  const first = await sb.ok<ModelConfigWrite>('save_model_config', validConfig(['a']));
  assert.equal(first.backup_name, null, 'nothing to back up the first time');
  assert.deepEqual(JSON.parse(fs.readFileSync(modelsFile(sb), 'utf8')), validConfig(['a']));

  await sb.ok('save_model_config', { config: validConfig(['b']) });
  assert.deepEqual(JSON.parse(fs.readFileSync(modelsFile(sb), 'utf8')), validConfig(['b']));

  await sb.ok('save_model_config', { content: JSON.stringify(validConfig(['c'])) });
  const loaded = await sb.ok<ModelConfigLoad>('load_model_config');
  assert.deepEqual(loaded.config, validConfig(['c']));
  assert.deepEqual(loaded.errors, []);
});

withSandbox('save: every save of an existing file leaves a backup of the previous bytes', async (sb) => {
  await sb.ok('save_model_config', validConfig(['a']));
  const before = fs.readFileSync(modelsFile(sb));
  const second = await sb.ok<ModelConfigWrite>('save_model_config', validConfig(['b']));
  assert.ok(second.backup_name);
  assert.deepEqual(fs.readFileSync(path.join(backupsDir(sb), second.backup_name)), before);
  const third = await sb.ok<ModelConfigWrite>('save_model_config', validConfig(['c']));
  assert.notEqual(third.backup_name, second.backup_name);
  const backups = await sb.ok<ModelConfigBackup[]>('list_model_config_backups');
  assert.equal(backups.length, 2);
  assert.equal(backups[0]?.backup_name, third.backup_name, 'newest first');
  assert.match(backups[0]?.created_at ?? '', /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
  assert.equal(backups[0]?.size_bytes, fs.statSync(path.join(backupsDir(sb), third.backup_name ?? '')).size);
});

withSandbox('save: an invalid config never reaches disk and the error names the field', async (sb) => {
  await sb.ok('save_model_config', validConfig());
  const before = fs.readFileSync(modelsFile(sb));
  const cases: [unknown, RegExp][] = [
    [{ content: '[1, 2]' }, /config: expected an object/],
    [{ providers: [] }, /providers: expected an object/],
    [{ other: 1 }, /providers: is required/],
    [{ providers: { p: 'x' } }, /providers\.p: expected an object/],
    [{ providers: { p: { baseUrl: 'u', apiKey: 'k', api: 'a', models: {} } } }, /providers\.p\.models: expected an array/],
    [{ providers: { p: { baseUrl: 'u', apiKey: 'k', api: 'a', models: [{ name: 'n' }] } } }, /providers\.p\.models\[0\]\.id: is required/],
    [{ providers: { p: { baseUrl: 'u', apiKey: 'k', api: 'a', models: [{ id: 7 }] } } }, /providers\.p\.models\[0\]\.id: expected a non-empty string/],
    [{ providers: { fakellm: { apiKey: 'k', api: 'a', models: [{ id: 'm' }] } } }, /providers\.fakellm\.baseUrl: is required when models are defined/],
    [{ providers: { fakellm: { baseUrl: 'u', api: 'a', models: [{ id: 'm' }] } } }, /providers\.fakellm\.apiKey: is required when models are defined/],
    [{ providers: { fakellm: { baseUrl: 'u', apiKey: 'k', models: [{ id: 'm' }] } } }, /providers\.fakellm\.models\[0\]\.api: is required/],
    [{ providers: { empty: {} } }, /providers\.empty: needs at least one of/],
    [{ content: '{"providers": {' }, /content: invalid JSON at line 1, column 16/],
  ];
  for (const [payload, expected] of cases) {
    const res = await sb.call('save_model_config', payload);
    assert.equal(res.success, false, JSON.stringify(payload));
    if (!res.success) {
      assert.equal(res.code, 'invalid_payload');
      assert.match(res.error, expected);
    }
    assert.deepEqual(fs.readFileSync(modelsFile(sb)), before, 'models.json is byte-identical');
  }
  assert.equal((await sb.ok<ModelConfigBackup[]>('list_model_config_backups')).length, 0, 'a refused save makes no backup');
});

withSandbox('save: built-in providers may add models without baseUrl or apiKey', async (sb) => {
  const config = { providers: { anthropic: { models: [{ id: 'claude-custom' }] }, openai: { modelOverrides: { 'gpt-4o': { name: 'GPT' } } } } };
  await sb.ok('save_model_config', config);
  assert.deepEqual(JSON.parse(fs.readFileSync(modelsFile(sb), 'utf8')), config);
});

withSandbox('save: prototype-polluting keys are refused wherever they are', async (sb) => {
  const texts = [
    '{"providers": {"__proto__": {"polluted": true}}}',
    '{"providers": {"p": {"baseUrl": "u", "constructor": {"prototype": {"x": 1}}}}}',
    '{"__proto__": {"polluted": true}, "providers": {}}',
  ];
  for (const content of texts) {
    const res = await sb.call('save_model_config', { content });
    assert.equal(res.success, false, content);
    if (!res.success) assert.match(res.error, /(__proto__|constructor): this key is not allowed/);
    const direct = await sb.call('save_model_config', JSON.parse(content));
    assert.equal(direct.success, false);
  }
  assert.equal(fs.existsSync(modelsFile(sb)), false);
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
});

withSandbox('merge skips prototype keys even when handed an unvalidated document', async () => {
  const incoming = JSON.parse('{"providers": {"__proto__": {"polluted": true}, "p": {"__proto__": {"x": 1}, "baseUrl": "u"}}}') as Record<string, never>;
  const merged = mergeModelConfigs({ providers: {} }, incoming);
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
  assert.deepEqual(JSON.parse(JSON.stringify(merged)), { providers: { p: { baseUrl: 'u' } } });
  assert.deepEqual(checkModelConfig(incoming).errors, ['providers.__proto__: this key is not allowed', 'providers.p.__proto__: this key is not allowed']);
});

withSandbox('restore: round-trips, backing up the current file first', async (sb) => {
  await sb.ok('save_model_config', validConfig(['a']));
  const original = fs.readFileSync(modelsFile(sb));
  const second = await sb.ok<ModelConfigWrite>('save_model_config', validConfig(['b']));
  const beforeRestore = fs.readFileSync(modelsFile(sb));

  const restored = await sb.ok<ModelConfigWrite & { restored_from: string }>('restore_model_config_backup', { backup_name: second.backup_name });
  assert.equal(restored.restored_from, second.backup_name);
  assert.deepEqual(fs.readFileSync(modelsFile(sb)), original);
  assert.ok(restored.backup_name);
  assert.deepEqual(fs.readFileSync(path.join(backupsDir(sb), restored.backup_name)), beforeRestore, 'the replaced file was kept');
  const backups = await sb.ok<ModelConfigBackup[]>('list_model_config_backups');
  assert.deepEqual(backups.map((b) => b.backup_name), [restored.backup_name, second.backup_name]);
});

withSandbox('restore: names that could leave the backups folder are refused', async (sb) => {
  await sb.ok('save_model_config', validConfig(['a']));
  await sb.ok('save_model_config', validConfig(['b']));
  const secret = sb.write('secret.json', JSON.stringify(validConfig(['stolen'])));
  const before = fs.readFileSync(modelsFile(sb));
  const names = [
    '../x',
    '../../secret.json',
    '..%2F..%2Fsecret.json',
    '..\\secret.json',
    secret,
    '/etc/passwd',
    'models-2026-11-29T03-41-16-123Z.json/../../../secret.json',
    'models-2026-11-29T03-41-16-123Z.json\0',
    '',
  ];
  for (const name of names) {
    const res = await sb.call('restore_model_config_backup', { backup_name: name });
    assert.equal(res.success, false, name);
    if (!res.success) assert.equal(res.code, 'invalid_payload', name);
  }
  const missing = await sb.call('restore_model_config_backup', { backup_name: 'models-2000-01-01T00-00-00-000Z.json' });
  assert.equal(missing.success, false);
  if (!missing.success) assert.equal(missing.code, 'not_found');
  assert.deepEqual(fs.readFileSync(modelsFile(sb)), before);
});

withSandbox('restore: a backup pi would refuse is not restored', async (sb) => {
  await sb.ok('save_model_config', validConfig(['a']));
  fs.writeFileSync(modelsFile(sb), '{"providers": {"p": {"models": [{"id": "x"}]}}}');
  const saved = await sb.ok<ModelConfigWrite>('save_model_config', validConfig(['b']));
  const before = fs.readFileSync(modelsFile(sb));
  const res = await sb.call('restore_model_config_backup', { backup_name: saved.backup_name });
  assert.equal(res.success, false);
  if (!res.success) assert.match(res.error, /providers\.p\.baseUrl: is required/);
  assert.deepEqual(fs.readFileSync(modelsFile(sb)), before);
});

withSandbox('backups: names stay unique within one millisecond and old ones are pruned', async (sb) => {
  const fixed = new Date('2026-11-29T03:41:16.123Z');
  const store = new ModelConfigStore({ agentDir: sb.agentDir, log: silentLogger, now: () => fixed, maxBackups: 3 });
  await store.save(validConfig(['v0']));
  const names: (string | null)[] = [];
  for (let i = 1; i <= 4; i++) names.push((await store.save(validConfig([`v${i}`]))).backup_name);
  assert.deepEqual(names, [
    'models-2026-11-29T03-41-16-123Z.json',
    'models-2026-11-29T03-41-16-123Z-1.json',
    'models-2026-11-29T03-41-16-123Z-2.json',
    'models-2026-11-29T03-41-16-123Z-3.json',
  ]);
  const listed = await store.listBackups();
  assert.deepEqual(listed.map((b) => b.backup_name), [names[3], names[2], names[1]], 'newest first, oldest pruned');
  assert.equal(listed[0]?.created_at, '2026-11-29T03:41:16.123Z');
  // Concurrent saves are serialised: each backs up the file the previous one wrote.
  await Promise.all([store.save(validConfig(['x'])), store.save(validConfig(['y']))]);
  const newest = (await store.listBackups())[0];
  assert.ok(newest);
  assert.deepEqual(JSON.parse(fs.readFileSync(path.join(store.backupDir, newest.backup_name), 'utf8')), validConfig(['x']));
});

withSandbox('save: a symlinked models.json stays a symlink and keeps its mode', async (sb) => {
  const real = sb.write('dotfiles/models.json', JSON.stringify(validConfig(['a'])));
  fs.chmodSync(real, 0o640);
  fs.symlinkSync(real, modelsFile(sb));
  await sb.ok('save_model_config', validConfig(['b']));
  assert.equal(fs.lstatSync(modelsFile(sb)).isSymbolicLink(), true);
  assert.deepEqual(JSON.parse(fs.readFileSync(real, 'utf8')), validConfig(['b']));
  assert.equal(fs.statSync(real).mode & 0o777, 0o640);
});

withSandbox('save: a new models.json is readable by its owner only', async (sb) => {
  await sb.ok('save_model_config', validConfig(['a']));
  if (process.platform !== 'win32') assert.equal(fs.statSync(modelsFile(sb)).mode & 0o777, 0o600);
});

withSandbox('export: pretty JSON, absolute paths only, no silent overwrite', async (sb) => {
  await sb.ok('save_model_config', validConfig(['a']));
  const target = path.join(sb.agentDir, 'backups', 'out', 'models-export.json');
  const noParent = await sb.call('export_model_config_to_path', { path: target });
  assert.equal(noParent.success, false);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const relative = await sb.call('export_model_config_to_path', { path: 'out/models-export.json' });
  assert.equal(relative.success, false);
  if (!relative.success) assert.match(relative.error, /path: must be an absolute path/);

  await sb.ok('export_model_config_to_path', { path: target });
  const text = fs.readFileSync(target, 'utf8');
  assert.equal(text, `${JSON.stringify(validConfig(['a']), null, 2)}\n`);

  fs.writeFileSync(target, 'keep me');
  const refused = await sb.call('export_model_config_to_path', { path: target });
  assert.equal(refused.success, false);
  if (!refused.success) assert.equal(refused.code, 'conflict');
  assert.equal(fs.readFileSync(target, 'utf8'), 'keep me');

  await sb.ok('export_model_config_to_path', { path: target, overwrite: true });
  assert.equal(fs.readFileSync(target, 'utf8'), text);
  assert.deepEqual(fs.readdirSync(path.dirname(target)), ['models-export.json'], 'no temp files left behind');
});

withSandbox('import: replace validates, backs up and writes', async (sb) => {
  await sb.ok('save_model_config', validConfig(['a']));
  const source = sb.write('home/.pi/agent/backups/import/new.json', JSON.stringify(validConfig(['z'])));
  const res = await sb.ok<ModelConfigWrite & { mode: string }>('import_model_config_from_path', { path: source });
  assert.equal(res.mode, 'replace');
  assert.ok(res.backup_name);
  assert.deepEqual(JSON.parse(fs.readFileSync(modelsFile(sb), 'utf8')), validConfig(['z']));

  const before = fs.readFileSync(modelsFile(sb));
  const broken = sb.write('home/.pi/agent/backups/import/broken.json', '{\n  "providers": {\n    "p": }\n}');
  const bad = await sb.call('import_model_config_from_path', { path: broken });
  assert.equal(bad.success, false);
  if (!bad.success) assert.match(bad.error, /path: invalid JSON at line 3, column 10/);
  const invalid = sb.write('home/.pi/agent/backups/import/invalid.json', JSON.stringify({ providers: { p: { models: [{ id: 'x' }] } } }));
  const rejected = await sb.call('import_model_config_from_path', { path: invalid });
  assert.equal(rejected.success, false);
  const absent = await sb.call('import_model_config_from_path', { path: path.join(sb.agentDir, 'backups', 'nope.json') });
  assert.equal(absent.success, false);
  if (!absent.success) assert.equal(absent.code, 'not_found');
  const big = sb.write('home/.pi/agent/backups/import/big.json', `{"providers": {}, "pad": "${'x'.repeat(5 * 1024 * 1024)}"}`);
  const tooBig = await sb.call('import_model_config_from_path', { path: big });
  assert.equal(tooBig.success, false);
  if (!tooBig.success) assert.equal(tooBig.code, 'too_large');
  assert.deepEqual(fs.readFileSync(modelsFile(sb), 'utf8'), before.toString('utf8'));
});

withSandbox('import: merge upserts models by id and merges nested objects', async (sb) => {
  await sb.ok('save_model_config', {
    providers: {
      fakellm: { baseUrl: 'http://a', apiKey: 'K', api: 'openai-completions', headers: { 'X-A': '1' }, models: [{ id: 'm1', name: 'old' }, { id: 'm2' }] },
      keep: { baseUrl: 'http://keep' },
    },
  });
  const source = sb.write('home/.pi/agent/backups/merge.json', JSON.stringify({
    providers: {
      fakellm: { baseUrl: 'http://b', apiKey: 'K', api: 'openai-completions', headers: { 'X-B': '2' }, models: [{ id: 'm1', name: 'new' }, { id: 'm3' }] },
      added: { baseUrl: 'http://added' },
    },
  }));
  await sb.ok('import_model_config_from_path', { path: source, mode: 'merge' });
  assert.deepEqual(JSON.parse(fs.readFileSync(modelsFile(sb), 'utf8')), {
    providers: {
      fakellm: { baseUrl: 'http://b', apiKey: 'K', api: 'openai-completions', headers: { 'X-A': '1', 'X-B': '2' }, models: [{ id: 'm1', name: 'new' }, { id: 'm2' }, { id: 'm3' }] },
      keep: { baseUrl: 'http://keep' },
      added: { baseUrl: 'http://added' },
    },
  });
  const polluted = sb.write('home/.pi/agent/backups/polluted.json', '{"providers": {"fakellm": {"__proto__": {"isAdmin": true}}}}');
  const res = await sb.call('import_model_config_from_path', { path: polluted, mode: 'merge' });
  assert.equal(res.success, false);
  assert.equal(({} as Record<string, unknown>).isAdmin, undefined);
});

withSandbox('import: merge into a missing file starts from an empty config', async (sb) => {
  const source = sb.write('home/.pi/agent/backups/merge.json', JSON.stringify(validConfig(['only'])));
  const res = await sb.ok<ModelConfigWrite>('import_model_config_from_path', { path: source, mode: 'merge' });
  assert.equal(res.backup_name, null);
  assert.deepEqual(JSON.parse(fs.readFileSync(modelsFile(sb), 'utf8')), validConfig(['only']));
});

withSandbox("scopes: models.json is the admin scope's, in both directions; resources need read", async (sb) => {
  const { CommandRouter } = await import('../../../src/core/api/router');
  const { EventBus } = await import('../../../src/core/events');
  const { createPiConfigCommands } = await import('../../../src/core/pi/configCommands');
  const router = new CommandRouter(new EventBus(), silentLogger);
  router.registerAll(createPiConfigCommands({ agentDir: sb.agentDir, homeDir: sb.home, workspaceFolders: () => [], log: silentLogger }));
  // models.json holds API keys and decides where pi sends prompts: reading it is admin too.
  const writer = { id: 'w', transport: 'test' as const, scopes: new Set<'read' | 'write'>(['read', 'write']), isLocal: true };
  assert.equal((await router.dispatch('scan_skills', {}, writer)).success, true);
  for (const name of ['load_model_config', 'save_model_config', 'import_model_config_from_path', 'export_model_config_to_path', 'list_model_config_backups', 'restore_model_config_backup']) {
    const res = await router.dispatch(name, {}, writer);
    assert.equal(res.success, false);
    if (!res.success) assert.equal(res.code, 'forbidden', name);
  }
});

test('JSON error offsets', () => {
  assert.equal(findJsonErrorOffset('{"a": [1, 2, {"b": null}], "c": "\\u00e9"}'), -1);
  assert.equal(findJsonErrorOffset('{"a":}'), 5);
  assert.equal(findJsonErrorOffset('{"a":1,}'), 7);
  assert.equal(findJsonErrorOffset('[1 2]'), 3);
  assert.equal(findJsonErrorOffset('{"a"'), 4);
  assert.equal(findJsonErrorOffset('{} x'), 3);
  assert.equal(findJsonErrorOffset(''), 0);
});

test('atomic write: create-only refuses an existing file and leaves no temp file', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'psm-'));
  try {
    const file = path.join(dir, 'a.json');
    await writeFileAtomic(file, 'one', { overwrite: false });
    await assert.rejects(writeFileAtomic(file, 'two', { overwrite: false }), (err: NodeJS.ErrnoException) => err.code === 'EEXIST');
    assert.equal(fs.readFileSync(file, 'utf8'), 'one');
    await writeFileAtomic(file, 'three');
    assert.equal(fs.readFileSync(file, 'utf8'), 'three');
    assert.deepEqual(fs.readdirSync(dir), ['a.json']);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

withSandbox('paths outside the agent folder need a one-time grant from the editor', async (sb) => {
  const { CommandRouter } = await import('../../../src/core/api/router');
  const { EventBus } = await import('../../../src/core/events');
  const { createPiConfigCommands } = await import('../../../src/core/pi/configCommands');
  const { EditorPathGrants } = await import('../../../src/core/pi/modelConfigPaths');
  const { localUserCaller } = await import('../../../src/core/api/callers');
  const grants = new EditorPathGrants();
  const router = new CommandRouter(new EventBus(), silentLogger);
  router.registerAll(createPiConfigCommands({ agentDir: sb.agentDir, homeDir: sb.home, workspaceFolders: () => [], log: silentLogger, pathGrants: grants }));
  const ui = localUserCaller('ui');
  const picked = sb.write('Downloads/shared-models.json', JSON.stringify(validConfig(['picked'])));

  assert.equal((await router.dispatch('import_model_config_from_path', { path: picked }, ui)).success, false, 'no grant, no access');
  const forExport = grants.grant(picked, 'export_model_config');
  assert.equal((await router.dispatch('import_model_config_from_path', { path: picked, grant: forExport }, ui)).success, false, 'a grant is for one use');
  const grant = grants.grant(picked, 'import_model_config');
  const other = sb.write('Downloads/other.json', JSON.stringify(validConfig(['other'])));
  assert.equal((await router.dispatch('import_model_config_from_path', { path: other, grant }, ui)).success, false, 'a grant is for one path');
  const viaTest = await router.dispatch('import_model_config_from_path', { path: picked, grant }, localUserCaller('test'));
  assert.equal(viaTest.success, false, 'only the editor may present a grant');
  const res = await router.dispatch('import_model_config_from_path', { path: picked, grant }, ui);
  assert.equal(res.success, true, res.success ? '' : res.error);
  assert.deepEqual(JSON.parse(fs.readFileSync(modelsFile(sb), 'utf8')), validConfig(['picked']));
  const again = await router.dispatch('import_model_config_from_path', { path: picked, grant }, ui);
  assert.equal(again.success, false, 'a grant is used up');

  const dest = path.join(sb.root, 'Downloads', 'exported.json');
  const exportGrant = grants.grant(dest, 'export_model_config');
  const exported = await router.dispatch('export_model_config_to_path', { path: dest, grant: exportGrant }, ui);
  assert.equal(exported.success, true, exported.success ? '' : exported.error);
});

withSandbox('save: pi 1.6 fields are accepted and written as given', async (sb) => {
  const config = {
    $schema: 'https://pi.dev/schemas/models.schema.json',
    providers: {
      fakellm: {
        baseUrl: 'http://127.0.0.1:9/v1',
        apiKey: 'FAKE_KEY',
        api: 'openai-completions',
        compat: { sessionAffinityFormat: 'openrouter' },
        models: [
          {
            id: 'm1',
            promptCache: { short: 300, long: 3600 },
            inputLimits: { maxRequestBytes: 1_000_000, images: { maxPerMessage: 4, maxPerRequest: 20, resize: { maxWidth: 1568, jpegQuality: 85 } } },
            thinkingLevelMap: { off: null, low: 'low', max: 'max' },
          },
        ],
      },
      radius: { baseUrl: 'https://radius.example/v1', oauth: 'radius' },
      together: { modelOverrides: { 'm-x': { promptCache: { short: 60 } } } },
    },
  };
  const written = await sb.ok<ModelConfigWrite>('save_model_config', config);
  assert.deepEqual(written.warnings, []);
  assert.deepEqual(JSON.parse(fs.readFileSync(modelsFile(sb), 'utf8')), config);
});

withSandbox('save: bad pi 1.6 fields are refused with the field named', async (sb) => {
  const model = (extra: Record<string, unknown>) => ({ providers: { fakellm: { baseUrl: 'u', apiKey: 'k', api: 'a', models: [{ id: 'm', ...extra }] } } });
  const cases: [unknown, RegExp][] = [
    [{ $schema: 7, providers: {} }, /\$schema: expected a string/],
    [model({ promptCache: { short: 0 } }), /models\[0\]\.promptCache\.short: must be greater than 0/],
    [model({ promptCache: 'long' }), /models\[0\]\.promptCache: expected an object/],
    [model({ inputLimits: { maxRequestBytes: 1.5 } }), /models\[0\]\.inputLimits\.maxRequestBytes: expected a whole number/],
    [model({ inputLimits: { images: { resize: { jpegQuality: 101 } } } }), /inputLimits\.images\.resize\.jpegQuality: expected an integer from 1 to 100/],
    [model({ thinkingLevelMap: { high: 3 } }), /thinkingLevelMap\.high: expected a string or null/],
    [model({ compat: { sessionAffinityFormat: 'header' } }), /models\[0\]\.compat\.sessionAffinityFormat: expected one of "openai", "openai-nosession", "openrouter"/],
    [{ providers: { p: { oauth: 'github' , baseUrl: 'u' } } }, /providers\.p\.oauth: expected one of "radius"/],
    [{ providers: { p: { oauth: 'radius' } } }, /providers\.p\.baseUrl: is required when oauth is set/],
  ];
  for (const [payload, expected] of cases) {
    const res = await sb.call('save_model_config', payload);
    assert.equal(res.success, false, JSON.stringify(payload));
    if (!res.success) assert.match(res.error, expected);
  }
  assert.equal(fs.existsSync(modelsFile(sb)), false);
});

test('check: pi 1.6 built-in providers need no endpoint; renamed and replaced names warn', () => {
  for (const name of ['azure', 'ant-ling', 'baseten', 'meta', 'nvidia', 'qwen-token-plan-cn', 'radius', 'together', 'typesafe', 'zai-coding-cn']) {
    assert.deepEqual(checkModelConfig({ providers: { [name]: { models: [{ id: 'custom' }] } } }), { errors: [], warnings: [] }, name);
  }
  const renamed = checkModelConfig({ providers: { 'azure-openai-responses': { models: [{ id: 'custom' }] } } });
  assert.deepEqual(renamed.errors, []);
  assert.match(renamed.warnings.join('\n'), /providers\.azure-openai-responses: pi 1\.6 renamed provider "azure-openai-responses" to "azure"/);
  const header = checkModelConfig({ providers: { openai: { compat: { sendSessionIdHeader: true } } } });
  assert.deepEqual(header.errors, []);
  assert.match(header.warnings.join('\n'), /providers\.openai\.compat\.sendSessionIdHeader: pi 1\.6 ignores it; it became compat\.sessionAffinityFormat/);
  assert.match(checkModelConfig({ providers: { openai: { modelOverrides: { m: { thinkingLevelMap: { huge: 'x' } } } } } }).warnings.join('\n'), /thinkingLevelMap\.huge: not a thinking level pi uses/);
  // A custom provider still needs an endpoint for its own models.
  assert.match(checkModelConfig({ providers: { mine: { api: 'a', apiKey: 'k', models: [{ id: 'm' }] } } }).errors.join('\n'), /providers\.mine\.baseUrl: is required/);
});
