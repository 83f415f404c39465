import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventBus } from '../../../src/core/events';
import { silentLogger } from '../../../src/core/log';
import { UserSettings } from '../../../src/core/state/userSettings';
import { UserData } from '../../../src/core/userdata/userData';
import { ConfigBundleStore } from '../../../src/core/userdata/configBundle';
import type { ConfigSaveResult, ConfigVersion } from '../../../src/shared/model/config';
import { builtinConfigDefaults } from '../../../src/core/userdata/configFields';
import type { ConfigBundle } from '../../../src/shared/model/config';
import { createUserDataCommands } from '../../../src/core/userdata/userDataCommands';
import type { Caller } from '../../../src/core/api/types';
import type { Scope } from '../../../src/shared/model/tokens';
import { Api, FakeSessions, eventsNamed, openStateDb, readOnlyCaller, recordEvents, tempDir } from './support';

async function setup(options: { defaults?: () => unknown } = {}) {
  const dir = tempDir();
  const db = await openStateDb(dir);
  const bus = new EventBus();
  const events = recordEvents(bus);
  const applied: { bundle: ConfigBundle; previous: ConfigBundle }[] = [];
  const config = new ConfigBundleStore({
    db,
    bus,
    log: silentLogger,
    ...(options.defaults ? { defaults: options.defaults } : {}),
    onApplied: (bundle, previous) => {
      applied.push({ bundle, previous });
    },
  });
  const userData = new UserData({ db, sessions: new FakeSessions(), bus });
  const api = Api.over(bus, createUserDataCommands({ userData, config }));
  return { dir, db, events, config, applied, api };
}

test('get_config_bundle returns every setting with defaults, and never tokens', async (t) => {
  const { api, db } = await setup();
  t.after(() => db.close());
  const bundle = await api.ok<ConfigBundle>('get_config_bundle');
  assert.deepEqual(bundle, builtinConfigDefaults);
  assert.deepEqual(Object.keys(bundle).sort(), ['search', 'server', 'session_paths', 'sessions', 'ui', 'version']);
  assert.equal(JSON.stringify(bundle).includes('token"'), false);
  assert.equal((await api.call('get_config_bundle', {}, readOnlyCaller)).success, true);
});

test('save_config_bundle merges a partial bundle, saves, applies live and records a version', async (t) => {
  const { api, db, dir, events, applied } = await setup();
  t.after(() => db.close());
  const saved = await api.ok<ConfigSaveResult>('save_config_bundle', {
    server: { port: 52132, allowedOrigins: ['https://phone.example'] },
    sessionPaths: ['/data/sessions', '~/more'],
    ui: { group_by: 'date' },
    tokens: [{ name: 'leak', token: 'psm_x' }],
  });
  assert.equal(saved.bundle.server.port, 52132);
  assert.equal(saved.bundle.server.host, '127.0.0.1', 'untouched fields keep their value');
  assert.deepEqual(saved.bundle.server.allowed_origins, ['https://phone.example']);
  assert.deepEqual(saved.bundle.session_paths, ['/data/sessions', '~/more']);
  assert.equal(saved.bundle.ui.group_by, 'date');
  assert.deepEqual(saved.ignored_keys, ['tokens']);
  assert.equal(saved.applied, true);
  assert.ok(saved.version);
  assert.match(saved.version.summary, /server\.port 52131→52132/);
  assert.match(saved.version.summary, /session_paths \+2/);
  assert.match(saved.version.summary, /ui\.group_by project→date/);

  assert.equal(applied.length, 1);
  assert.equal(applied[0]!.previous.server.port, 52131);
  assert.equal(applied[0]!.bundle.server.port, 52132);
  assert.deepEqual(eventsNamed(events, 'config-changed').map((e) => e.payload), [{ version_id: saved.version.id }]);

  // The bundle is durable, holds no token, and shares session_paths with get/save_session_paths.
  await db.close();
  const reopened = await openStateDb(dir);
  t.after(() => reopened.close());
  const store = new ConfigBundleStore({ db: reopened, bus: new EventBus(), log: silentLogger });
  assert.deepEqual(store.current(), saved.bundle);
  assert.deepEqual(new UserSettings(reopened).get('session_paths', []), ['/data/sessions', '~/more']);
  await new UserSettings(reopened).setMany({ session_paths: ['/other'] });
  assert.deepEqual(store.current().session_paths, ['/other']);
  const rows = reopened.all<{ bundle: string }>('SELECT bundle FROM config_versions');
  assert.ok(rows.every((r) => !r.bundle.includes('psm_x')));
});

test('validation names every bad field and saves nothing', async (t) => {
  const { api, db, applied, events } = await setup();
  t.after(() => db.close());
  const before = await api.ok<ConfigBundle>('get_config_bundle');
  const e = await api.fails('save_config_bundle', {
    server: { port: 70000, host: 'bad host!', enabled: 'yes', allowed_origins: ['https://ok.example', 'https://x.example/path'] },
    search: { max_hits_per_session: 0 },
    ui: { group_by: 'color', default_export_format: 'pdf' },
    session_paths: ['/fine', 'relative/dir'],
  });
  assert.equal(e.code, 'invalid_payload');
  for (const expected of [
    'server.port: must be an integer 0–65535',
    'server.host:',
    'server.enabled: must be true or false',
    'server.allowed_origins[1]:',
    'search.max_hits_per_session: must be an integer 1–1000',
    'ui.group_by: must be one of "project", "date", "none"',
    'ui.default_export_format:',
    'session_paths[1]: must be an absolute path',
  ]) {
    assert.ok(e.error.includes(expected), `${expected} in ${e.error}`);
  }
  const one = await api.fails('save_config_bundle', { server: { port: 1 }, ui: 'wide' });
  assert.match(one.error, /^ui: must be an object$/);
  const version = await api.fails('save_config_bundle', { version: 2 });
  assert.match(version.error, /^version:/);
  const notObject = await api.fails('save_config_bundle', ['a']);
  assert.equal(notObject.code, 'invalid_payload');

  assert.deepEqual(await api.ok('get_config_bundle'), before);
  assert.deepEqual(await api.ok('list_config_versions'), []);
  assert.equal(applied.length, 0);
  assert.equal(eventsNamed(events, 'config-changed').length, 0);
  const denied = await api.call('save_config_bundle', { server: { port: 1 } }, readOnlyCaller);
  assert.equal(!denied.success && denied.code, 'forbidden');
});

test('versions are listed newest first and restore re-applies an old bundle as a new version', async (t) => {
  const { api, db, applied } = await setup();
  t.after(() => db.close());
  const first = await api.ok<ConfigSaveResult>('save_config_bundle', { server: { port: 50001 } });
  const second = await api.ok<ConfigSaveResult>('save_config_bundle', { bundle: { server: { port: 50002 }, search: { tool_output_index_limit: 0 } } });
  const unchanged = await api.ok<ConfigSaveResult>('save_config_bundle', { server: { port: 50002 } });
  assert.equal(unchanged.version, null, 'saving the same values records nothing');
  assert.deepEqual(unchanged.changes, []);

  const versions = await api.ok<ConfigVersion[]>('list_config_versions');
  assert.deepEqual(
    versions.map((v) => v.id),
    [second.version!.id, first.version!.id, first.version!.id - 1],
  );
  assert.equal(versions[2]!.summary, 'settings before the first saved change');
  for (const v of versions) assert.deepEqual(Object.keys(v).sort(), ['created_at', 'id', 'summary']);
  assert.equal((await api.ok<ConfigVersion[]>('list_config_versions', { limit: 1 })).length, 1);

  const restored = await api.ok<ConfigSaveResult>('restore_config_version', { id: first.version!.id });
  assert.equal(restored.bundle.server.port, 50001);
  assert.equal(restored.bundle.search.tool_output_index_limit, builtinConfigDefaults.search.tool_output_index_limit);
  assert.match(restored.version!.summary, new RegExp(`^restore #${first.version!.id}: `));
  assert.equal((await api.ok<ConfigBundle>('get_config_bundle')).server.port, 50001);
  assert.equal((await api.ok<ConfigVersion[]>('list_config_versions'))[0]!.id, restored.version!.id);
  assert.equal(applied.at(-1)!.bundle.server.port, 50001);

  const original = await api.ok<ConfigSaveResult>('restore_config_version', { id: versions[2]!.id });
  assert.deepEqual(original.bundle, builtinConfigDefaults, 'the state before any change can be restored');
  const peek = await api.ok<{ id: number; bundle: ConfigBundle }>('get_config_version', { id: second.version!.id });
  assert.equal(peek.bundle.server.port, 50002);

  const missing = await api.fails('restore_config_version', { id: 9999 });
  assert.equal(missing.code, 'not_found');
  assert.match(missing.error, /^id:/);
  assert.equal((await api.fails('get_config_version', { id: 9999 })).code, 'not_found');
});

test('defaults come from the host, stored values override them, and a failing live apply is reported', async (t) => {
  const dir = tempDir();
  const db = await openStateDb(dir);
  t.after(() => db.close());
  const bus = new EventBus();
  const config = new ConfigBundleStore({
    db,
    bus,
    log: silentLogger,
    defaults: () => ({ server: { port: 6000, enabled: false }, ui: { group_by: 'nonsense' } }),
    onApplied: () => {
      throw new Error('port busy');
    },
  });
  assert.equal(config.current().server.port, 6000);
  assert.equal(config.current().server.enabled, false);
  assert.equal(config.current().ui.group_by, 'project', 'an invalid default falls back to the built-in');
  const result = await config.save({ server: { port: 6001 } });
  assert.equal(result.applied, false);
  assert.equal(result.apply_error, 'port busy');
  assert.equal(config.current().server.port, 6001, 'saved even though applying failed');

  // A stored value that is no longer valid reads as the default.
  await new UserSettings(db).setMany({ search: { max_hits_per_session: -5, tool_output_index_limit: 10 } });
  assert.equal(config.current().search.max_hits_per_session, builtinConfigDefaults.search.max_hits_per_session);
  assert.equal(config.current().search.tool_output_index_limit, 10);
});

test('over HTTP and WS the server part may only tighten; local callers may change it freely', async (t) => {
  const { api, db } = await setup();
  t.after(() => db.close());
  await api.ok('save_config_bundle', {
    server: { host: '0.0.0.0', allowed_origins: ['https://a.example'], allowed_hosts: ['a.lan', 'b.lan'], require_token_on_loopback: true },
  });
  const widening = await api.ok<ConfigSaveResult>('save_config_bundle', { server: { allowed_hosts: ['a.lan'] } });
  const http: Caller = { id: 'remote', transport: 'http', scopes: new Set<Scope>(['read', 'write', 'admin']), isLocal: true };
  const ws: Caller = { ...http, id: 'socket', transport: 'ws' };
  const refused: [unknown, RegExp][] = [
    [{ server: { enabled: false } }, /^server\.enabled:/],
    [{ server: { port: 52132 } }, /^server\.port:/],
    [{ server: { host: 'example.lan' } }, /^server\.host:/],
    [{ server: { require_token_on_loopback: false } }, /^server\.require_token_on_loopback:/],
    [{ server: { allowed_origins: ['https://a.example', 'https://b.example'] } }, /^server\.allowed_origins: .*"https:\/\/b\.example"/],
    [{ server: { allowed_hosts: ['c.lan'] } }, /^server\.allowed_hosts: .*"c\.lan"/],
    [{ search: { max_hits_per_session: 9 }, server: { port: 1 } }, /^server\.port:/],
  ];
  for (const caller of [http, ws]) {
    for (const [bundle, message] of refused) {
      const r = await api.call('save_config_bundle', bundle, caller);
      assert.equal(!r.success && r.code, 'forbidden', JSON.stringify(bundle));
      assert.match(r.error ?? '', message);
    }
    // Restoring the version before `b.lan` was dropped would add it back.
    const restore = await api.call('restore_config_version', { id: widening.version!.id - 1 }, caller);
    assert.equal(!restore.success && restore.code, 'forbidden');
    assert.match(restore.error ?? '', /server\.allowed_hosts/);
  }
  assert.equal((await api.ok<ConfigBundle>('get_config_bundle')).search.max_hits_per_session, 3, 'a refused save saves nothing');

  const tighter = await api.call('save_config_bundle', { server: { host: '127.0.0.1', allowed_origins: [], allowed_hosts: [] } }, http);
  assert.equal(tighter.success, true, tighter.error ?? '');
  const local = await api.call('save_config_bundle', { server: { host: '0.0.0.0', allowed_hosts: ['c.lan'], require_token_on_loopback: false } });
  assert.equal(local.success, true, 'the local user may loosen');
});
