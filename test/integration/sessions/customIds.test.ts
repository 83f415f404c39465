import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startCliServer, tempDir, type ServerHandle } from '../../support/cliServer';
import { callApi } from '../../support/httpClient';
import type { SessionInfo } from '../../../src/shared/model/sessionInfo';
import type { SessionStats } from '../../../src/shared/model/stats';

/**
 * pi 1.6 sessions started with `--session-id gamma-report.v2 --name …`: the id is no UUID,
 * the file name carries it, and the first entry is a `session_info` with no parent. Every
 * face keyed on sessions must take them as they are.
 */

const usage = (input: number, output: number, cacheRead: number, total: number) => ({ input, output, cacheRead, cacheWrite: 0, totalTokens: input + output + cacheRead, cost: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0, total } });

function writePi16Session(dir: string, id: string, name: string, word: string): string {
  const start = Date.parse('2026-12-02T03:36:36.618Z');
  const at = (s: number) => new Date(start + s * 1000).toISOString();
  const file = path.join(dir, `${at(0).replace(/[:.]/g, '-')}_${id}.jsonl`);
  const lines = [
    { type: 'session', version: 3, id, timestamp: at(0), cwd: '/home/dev/projects/gamma' },
    { type: 'session_info', id: 'a0000001', parentId: null, timestamp: at(0), name },
    { type: 'model_change', id: 'a0000002', parentId: 'a0000001', timestamp: at(0), provider: 'acme', modelId: 'base' },
    { type: 'thinking_level_change', id: 'a0000003', parentId: 'a0000002', timestamp: at(0), thinkingLevel: 'off' },
    { type: 'message', id: 'a0000004', parentId: 'a0000003', timestamp: at(1), message: { role: 'system', content: '', sections: { preamble: 'You help.' }, toolsAdded: [{ name: 'read' }], timestamp: start + 1000 } },
    { type: 'message', id: 'a0000005', parentId: 'a0000004', timestamp: at(1), message: { role: 'user', content: [{ type: 'text', text: `Summarise the ${word} numbers` }], timestamp: start + 1000 } },
    {
      type: 'message',
      id: 'a0000006',
      parentId: 'a0000005',
      timestamp: at(2),
      message: { role: 'assistant', provider: 'acme', model: 'base', responseModel: 'base-2026', content: [{ type: 'text', text: 'Done.' }], usage: usage(100, 10, 0, 0.5), stopReason: 'stop', timestamp: start + 2000 },
    },
    { type: 'usage', id: 'a0000007', parentId: 'a0000006', timestamp: at(3), kind: 'cache_warm', provider: 'acme', model: 'base', usage: usage(0, 1, 90, 0.25) },
  ];
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(file, lines.map((l) => `${JSON.stringify(l)}\n`).join(''));
  return file;
}

describe('custom session ids and a name as the first entry', () => {
  let store: string;
  let server: ServerHandle;
  let target: { host: string; port: number };
  let gamma: string;
  let single: string;

  before(async () => {
    store = fs.realpathSync(tempDir('psm-ids-store-'));
    const dir = path.join(store, '--home-dev-projects-gamma--');
    gamma = writePi16Session(dir, 'gamma-report.v2', 'Gamma report', 'quokkafigures');
    single = writePi16Session(dir, 'Q', 'One letter', 'wombatfigures');
    server = await startCliServer({ sessionDirs: [store] });
    target = { host: server.host, port: server.port };
  });
  after(async () => {
    await server.stop();
  });

  async function call<T>(command: string, payload: Record<string, unknown> = {}): Promise<T> {
    const { envelope } = await callApi<T>(target, command, payload);
    assert.equal(envelope.success, true, `${command}: ${envelope.error ?? ''}`);
    return envelope.data;
  }

  async function listed(file: string): Promise<SessionInfo> {
    for (let attempt = 0; attempt < 100; attempt++) {
      const found = (await call<SessionInfo[]>('scan_sessions')).find((s) => s.path === file);
      if (found) return found;
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.fail(`${file} is not listed`);
  }

  test('are listed with their own id, name and pi 1.6 totals', async () => {
    const info = await listed(gamma);
    assert.equal(info.id, 'gamma-report.v2');
    assert.equal(info.name, 'Gamma report');
    assert.equal(info.message_count, 2);
    assert.equal(info.pi_message_count, 3);
    assert.equal(info.leaf_id, 'a0000007');
    assert.equal(info.has_branches, false);
    assert.ok(Math.abs(info.cost - 0.75) < 1e-12, String(info.cost));
    assert.equal(info.tokens.total, 201);
    assert.deepEqual(Object.keys(info.usage_by_model ?? {}).sort(), ['acme/base', 'acme/base-2026']);
    assert.equal((await listed(single)).id, 'Q');
    const byQuery = await call<SessionInfo[]>('scan_sessions', { query: 'Gamma report' });
    assert.deepEqual(byQuery.map((s) => s.id), ['gamma-report.v2']);
  });

  test('are found by full-text search under their id and name', async () => {
    let hits: Array<{ session_path: string; session_id: string; session_name: string | null }> = [];
    for (let attempt = 0; attempt < 200 && hits.length === 0; attempt++) {
      hits = (await call<{ hits: typeof hits }>('search', { query: 'quokkafigures' })).hits;
      if (hits.length === 0) await new Promise((r) => setTimeout(r, 50));
    }
    assert.deepEqual(hits.map((h) => [h.session_path, h.session_id, h.session_name]), [[gamma, 'gamma-report.v2', 'Gamma report']]);
  });

  test('take tags and favorites, kept apart from the other session', async () => {
    const tag = await call<{ id: number }>('create_tag', { name: 'reports' });
    await call('assign_tag', { session_path: gamma, tag_id: tag.id });
    await call('toggle_favorite', { path: gamma, favorite: true });
    const info = await listed(gamma);
    assert.deepEqual(info.tag_ids, [tag.id]);
    assert.equal(info.favorite, true);
    const other = await listed(single);
    assert.deepEqual(other.tag_ids, []);
    assert.equal(other.favorite, false);
    assert.deepEqual(await call<string[]>('list_favorites'), [gamma]);
    const tagged = await call<{ hits: Array<{ session_id: string }> }>('search', { query: 'quokkafigures', tag_id: tag.id, favorites_only: true });
    assert.deepEqual(tagged.hits.map((h) => h.session_id), ['gamma-report.v2']);
    const all = await call<{ hits: Array<{ session_id: string }> }>('search', { query: 'wombatfigures' });
    assert.deepEqual(all.hits.map((h) => h.session_id), ['Q']);
    const untagged = await call<{ hits: Array<{ session_id: string }> }>('search', { query: 'wombatfigures', tag_id: tag.id });
    assert.deepEqual(untagged.hits, []);
  });

  test('rename appends a session_info on the leaf, and the first one stays as it was', async () => {
    const before = fs.readFileSync(gamma);
    const reply = await call<{ entry_id: string; session: SessionInfo }>('rename_session', { path: gamma, newName: 'Gamma report, final' });
    const added = fs.readFileSync(gamma).subarray(before.length).toString('utf8').trim();
    const entry = JSON.parse(added) as { type: string; parentId: string | null; name: string; id: string };
    assert.equal(entry.type, 'session_info');
    assert.equal(entry.parentId, 'a0000007');
    assert.equal(entry.id, reply.entry_id);
    assert.equal(reply.session.id, 'gamma-report.v2');
    assert.equal(reply.session.name, 'Gamma report, final');
    const info = await listed(gamma);
    assert.equal(info.name, 'Gamma report, final');
    assert.equal(info.leaf_id, entry.id);
    // The tag and favorite follow the id, not the bytes of the file.
    assert.equal(info.favorite, true);
    assert.equal(info.tag_ids.length, 1);
  });

  test('get_session_stats keys cost on the model that answered and counts the cache warming', async () => {
    const stats = await call<SessionStats>('get_session_stats', { cwd: '/home/dev/projects/gamma' });
    assert.equal(stats.totals.sessions, 2);
    assert.ok(Math.abs(stats.totals.cost - 1.5) < 1e-9, String(stats.totals.cost));
    const byModel = Object.fromEntries(stats.by_model.map((m) => [m.model, m.cost]));
    assert.deepEqual(byModel, { 'acme/base-2026': 1, 'acme/base': 0.5 });
  });
});
