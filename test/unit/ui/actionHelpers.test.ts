import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { quoteShellArg, resumeCommandLine, shellKindOf } from '../../../src/ui/actions/shellCommand';
import { tagChoices, tagPath } from '../../../src/ui/actions/tagChoices';
import { exportFileName } from '../../../src/ui/actions/exportNaming';
import { centerSnippet, parseSearchInput } from '../../../src/ui/search/searchQuery';
import type { TagListing } from '../../../src/shared/model/tags';

test('the shell is recognised from its path', () => {
  assert.equal(shellKindOf('/bin/bash', 'linux'), 'posix');
  assert.equal(shellKindOf('C:\\Program Files\\PowerShell\\7\\pwsh.exe', 'win32'), 'powershell');
  assert.equal(shellKindOf('C:\\Windows\\System32\\cmd.exe', 'win32'), 'cmd');
  assert.equal(shellKindOf(undefined, 'win32'), 'powershell');
  assert.equal(shellKindOf('', 'darwin'), 'posix');
});

test('POSIX quoting survives a real shell, whatever the path holds', () => {
  const nasty = [`/tmp/a b/c.jsonl`, `/tmp/it's "here"/$HOME/*.jsonl`, '/tmp/`id`;rm -rf x', '/plain/path-1.jsonl'];
  for (const p of nasty) {
    const echoed = execFileSync('/bin/sh', ['-c', `printf '%s' ${quoteShellArg(p, 'posix')}`], { encoding: 'utf8' });
    assert.equal(echoed, p);
  }
  assert.equal(quoteShellArg('/plain/path-1.jsonl', 'posix'), '/plain/path-1.jsonl', 'plain paths stay readable');
});

test('PowerShell and cmd quoting', () => {
  assert.equal(quoteShellArg(`C:\\it's\\a.jsonl`, 'powershell'), `'C:\\it''s\\a.jsonl'`);
  assert.equal(quoteShellArg('C:\\100%\\a b.jsonl', 'cmd'), '"C:\\100%%\\a b.jsonl"');
});

test('the resume command keeps the configured pi command and quotes the path', () => {
  assert.equal(resumeCommandLine('pi', '/s/a b.jsonl', 'posix'), `pi --session '/s/a b.jsonl'`);
  assert.equal(resumeCommandLine('  npx pi ', '/s/a.jsonl', 'posix'), 'npx pi --session /s/a.jsonl');
  assert.equal(resumeCommandLine('', '/s/a.jsonl', 'posix'), 'pi --session /s/a.jsonl');
  assert.equal(resumeCommandLine(`'C:\\Tools\\pi.cmd'`, 'C:\\s\\a.jsonl', 'powershell'), `& 'C:\\Tools\\pi.cmd' --session 'C:\\s\\a.jsonl'`);
});

const tags: TagListing[] = [
  { id: 1, name: 'work', color: null, parent_id: null, session_count: 0, total_assignments: 0, created_at: '2026-01-01T00:00:00Z' },
  { id: 2, name: 'bugs', color: null, parent_id: 1, session_count: 0, total_assignments: 0, created_at: '2026-01-01T00:00:00Z' },
  { id: 3, name: 'ideas', color: null, parent_id: null, session_count: 0, total_assignments: 0, created_at: '2026-01-01T00:00:00Z' },
];

test('tag choices offer missing tags and create from typed text', () => {
  assert.equal(tagPath(tags[1], tags), 'work / bugs');
  assert.deepEqual(
    tagChoices(tags, [3], '').map((c) => c.path),
    ['work', 'work / bugs'],
  );
  const [create] = tagChoices(tags, [], 'urgent');
  assert.deepEqual(create, { kind: 'create', name: 'urgent', parentId: null, path: 'urgent' });
  assert.equal(tagChoices(tags, [], 'Ideas')[0].kind, 'existing', 'an existing name is not created twice');
  const [nested] = tagChoices(tags, [], 'work/ flaky');
  assert.deepEqual(nested, { kind: 'create', name: 'flaky', parentId: 1, path: 'work / flaky' });
  assert.equal(tagChoices(tags, [], 'nope/child')[0]?.kind, 'existing', 'an unknown parent offers no creation');
});

test('export file names come from the session name', () => {
  assert.equal(exportFileName({ name: 'Fix the Login form!', first_message: '', id: 'abc' }, 'html'), 'fix-the-login-form.html');
  assert.equal(exportFileName({ name: null, first_message: 'Écrire des tests', id: 'abc' }, 'markdown'), 'ecrire-des-tests.md');
  assert.equal(exportFileName({ name: null, first_message: '???', id: '0123456789' }, 'json'), 'session-01234567.json');
});

test('search input takes a role prefix', () => {
  assert.deepEqual(parseSearchInput('user: login form', 'all'), { query: 'login form', role: 'user' });
  assert.deepEqual(parseSearchInput('AI:retry', 'all'), { query: 'retry', role: 'assistant' });
  assert.deepEqual(parseSearchInput('tool: npm test', 'user'), { query: 'npm test', role: 'tool' });
  assert.deepEqual(parseSearchInput('http://x', 'user'), { query: 'http://x', role: 'user' }, 'an unknown prefix is part of the query');
  assert.deepEqual(parseSearchInput('  plain  ', 'assistant'), { query: 'plain', role: 'assistant' });
});

test('long snippets are cut around the first highlight', () => {
  const text = `${'a'.repeat(300)} NEEDLE ${'b'.repeat(300)}`;
  const cut = centerSnippet(text, [[301, 307]], 100);
  assert.ok(cut.includes('NEEDLE'));
  assert.ok(cut.startsWith('…') && cut.endsWith('…'));
  assert.equal(centerSnippet('short  text', [], 100), 'short text');
});
