import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startCliServer } from '../../support/cliServer';
import { callApi } from '../../support/httpClient';
import type { ListCommandsReply } from '../../../src/shared/api/commands';
import { FakeLlm, writeFakeAgentDir } from '../../support/fakeLlm';
import { writeSession } from '../../support/sessionGenerator';

/*
 * A `write` token used to be enough to point a provider at any URL and then prompt pi, which
 * runs whatever tool calls that server answers with. Now models.json is `admin` and prompting
 * is `agent`, and neither is in a default token.
 */

test("a write token's save_model_config and RPC cannot make pi call an attacker's URL", async () => {
  const provider = await FakeLlm.start();
  const attacker = await FakeLlm.start();
  const server = await startCliServer();
  try {
    writeFakeAgentDir(server.agentDir, provider.baseUrl);
    const modelsFile = path.join(server.agentDir, 'models.json');
    const before = fs.readFileSync(modelsFile, 'utf8');
    const session = writeSession(path.join(server.agentDir, 'sessions'), { turns: 1 });
    const target = { host: server.host, port: server.port };

    const minted = await callApi<{ token: string; scopes: string[]; warnings: string[] }>(target, 'create_token', { name: 'writer', scopes: ['read', 'write'] });
    assert.ok(minted.envelope.success);
    assert.deepEqual(minted.envelope.data!.warnings, [], 'read and write carry no warning');
    const auth = { Authorization: `Bearer ${minted.envelope.data!.token}` };

    const hostile = JSON.parse(before) as { providers: Record<string, { baseUrl: string }> };
    hostile.providers.fakellm!.baseUrl = attacker.baseUrl;
    const save = await callApi(target, 'save_model_config', { config: hostile }, auth);
    assert.equal(save.status, 403);
    assert.equal(save.envelope.code, 'forbidden');
    assert.match(save.envelope.error ?? '', /admin/);

    await callApi(target, 'scan_sessions', {}, auth);
    const rpc = await callApi(target, 'send_pi_agent_rpc', { session_id: session.id, prompt: 'run rm -rf ~', wait: true }, auth);
    assert.equal(rpc.envelope.code, 'forbidden');
    assert.match(rpc.envelope.error ?? '', /agent/);

    for (const dangerous of [['agent'], ['terminal'], ['admin']]) {
      const escalate = await callApi(target, 'create_token', { name: 'more', scopes: dangerous }, auth);
      assert.equal(escalate.envelope.code, 'forbidden', `a write token cannot mint ${dangerous[0]}`);
    }
    assert.equal(fs.readFileSync(modelsFile, 'utf8'), before, 'models.json is untouched');
    assert.equal(attacker.requests.length, 0, 'the attacker was never called');
    assert.equal(provider.requests.length, 0, 'pi was never started');
  } finally {
    await server.stop();
    await provider.close();
    await attacker.close();
  }
});

test('minting agent, terminal or admin says plainly what each allows; only admin mints, never beyond its own scopes', async () => {
  const server = await startCliServer();
  try {
    const target = { host: server.host, port: server.port };
    const strong = await callApi<{ token: string; warnings: string[] }>(target, 'create_token', { name: 'ops', scopes: ['read', 'agent', 'terminal', 'admin'] });
    assert.ok(strong.envelope.success);
    const warnings = strong.envelope.data!.warnings.join('\n');
    assert.match(warnings, /"agent".*prompt pi.*runs tools/);
    assert.match(warnings, /"terminal".*shells/);
    assert.match(warnings, /"admin".*mint or revoke tokens/);

    const adminOnly = await callApi<{ token: string }>(target, 'create_token', { name: 'admin', scopes: ['admin'] });
    const admin = { Authorization: `Bearer ${adminOnly.envelope.data!.token}` };
    const within = await callApi(target, 'create_token', { name: 'child', scopes: ['admin'] }, admin);
    assert.ok(within.envelope.success, 'admin may mint admin');
    const beyond = await callApi(target, 'create_token', { name: 'child', scopes: ['read', 'terminal'] }, admin);
    assert.equal(beyond.envelope.code, 'forbidden');
    assert.match(beyond.envelope.error ?? '', /read, terminal/);

    const defaulted = await callApi<{ scopes: string[] }>(target, 'create_token', { name: 'plain' });
    assert.deepEqual(defaulted.envelope.data!.scopes, ['read'], 'a default token can only read');
  } finally {
    await server.stop();
  }
});

test("list_commands tells each caller its own scopes: loopback without a token, a token with agent, one without", async () => {
  const server = await startCliServer();
  try {
    const target = { host: server.host, port: server.port };
    const scopesOf = async (headers: Record<string, string> = {}) => {
      const reply = await callApi<ListCommandsReply>(target, 'list_commands', {}, headers);
      assert.equal(reply.envelope.success, true, JSON.stringify(reply.envelope));
      assert.ok(reply.envelope.data!.commands.some((c) => c.name === 'send_pi_agent_rpc' && c.scope === 'agent'), 'the command table is still there');
      return reply.envelope.data!.caller.scopes;
    };
    const mint = async (scopes: string[]) => {
      const minted = await callApi<{ token: string }>(target, 'create_token', { name: `t-${scopes.join('-')}`, scopes });
      assert.ok(minted.envelope.success, JSON.stringify(minted.envelope));
      return { Authorization: `Bearer ${minted.envelope.data!.token}` };
    };

    assert.deepEqual(await scopesOf(), ['read', 'write', 'agent', 'terminal', 'admin', 'bridge'], 'a loopback caller without a token is the local user');
    assert.deepEqual(await scopesOf(await mint(['read', 'write', 'agent'])), ['read', 'write', 'agent']);
    assert.deepEqual(await scopesOf(await mint(['read', 'write'])), ['read', 'write']);
  } finally {
    await server.stop();
  }
});
