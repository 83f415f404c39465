import { test } from 'node:test';
import assert from 'node:assert/strict';
import { explicitServerSettings, type InspectedSetting } from '../../../src/ui/editorServer';
import { SettingKey } from '../../../src/ui/ids';

test('only server settings the user wrote count as explicit; invalid ones are reported and left out', () => {
  const inspected = new Map<string, InspectedSetting & { workspaceValue?: unknown; defaultValue?: unknown }>([
    [SettingKey.serverEnabled, { defaultValue: true }],
    [SettingKey.serverPort, { defaultValue: 52131, globalValue: 6000 }],
    [SettingKey.serverHost, { defaultValue: '127.0.0.1', workspaceValue: '0.0.0.0' }],
    [SettingKey.requireTokenOnLoopback, { globalValue: true }],
    [SettingKey.allowedOrigins, { globalValue: ['not an origin'] }],
    [SettingKey.allowedHosts, { globalValue: ['phone.lan', 'phone.lan'] }],
  ]);
  const problems: string[] = [];
  const explicit = explicitServerSettings((key) => inspected.get(key), {}, (m) => problems.push(m));
  assert.deepEqual(explicit, { port: 6000, require_token_on_loopback: true, allowed_hosts: ['phone.lan'] });
  assert.equal(problems.length, 1);
  assert.match(problems[0]!, /server\.allowed_origins/);
});

test('PI_SESSIONS_PORT overrides the port setting, and a bad value is refused like a bad setting', () => {
  const inspect = () => ({ globalValue: 6000 });
  assert.equal(explicitServerSettings((key) => (key === SettingKey.serverPort ? inspect() : undefined), { PI_SESSIONS_PORT: '0' }).port, 0);
  const problems: string[] = [];
  const explicit = explicitServerSettings(() => undefined, { PI_SESSIONS_PORT: 'x' }, (m) => problems.push(m));
  assert.equal(explicit.port, undefined);
  assert.match(problems[0]!, /server\.port/);
});
