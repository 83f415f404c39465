import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { sandbox, trustFolder, type Sandbox } from './helpers';
import type { ResourceItem } from '../../../src/shared/model/pi';
import { themeColorTokens } from '../../../src/core/pi/themeCheck';
import { globToRegExp } from '../../../src/core/pi/resourceSettings';

const repoRoot = path.resolve(__dirname, '../../..');

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

const skill = (name: string | undefined, description: string | undefined, extra = '') =>
  `---\n${name === undefined ? '' : `name: ${name}\n`}${description === undefined ? '' : `description: ${description}\n`}${extra}---\n\n# Body\n`;

/**
 * A workspace that is its own git root, so the `.agents/skills` walk stops there; trusted
 * unless told otherwise, since pi loads nothing from an untrusted project.
 */
function workspace(sb: Sandbox, name: string, trusted = true): string {
  const ws = path.join(sb.root, name);
  fs.mkdirSync(path.join(ws, '.git'), { recursive: true });
  sb.workspaces.push(ws);
  if (trusted) trustFolder(sb, ws);
  return ws;
}

const byPath = (items: ResourceItem[], file: string) => {
  const item = items.find((i) => i.path === file);
  assert.ok(item, `no item for ${file}; got ${items.map((i) => i.path).join(', ')}`);
  return item;
};

withSandbox('skills: layout rules, required description, name warnings, skipped folders', async (sb) => {
  const ws = workspace(sb, 'proj');
  const rel = (p: string) => path.relative(sb.root, p);
  const userSkills = path.join(sb.agentDir, 'skills');
  const good = sb.write(rel(path.join(userSkills, 'good-skill', 'SKILL.md')), skill('good-skill', 'Does good things'));
  const loose = sb.write(rel(path.join(userSkills, 'loose.md')), skill('loose', 'A loose file'));
  const nested = sb.write(rel(path.join(userSkills, 'group', 'deep', 'nested-one', 'SKILL.md')), skill(undefined, 'Nested'));
  // Below a skill root nothing else is a skill, not even another SKILL.md or a loose .md.
  sb.write(rel(path.join(userSkills, 'good-skill', 'inner', 'SKILL.md')), skill('inner', 'Hidden'));
  sb.write(rel(path.join(userSkills, 'group', 'notes.md')), skill('notes', 'Not a skill: loose files count only in the root'));
  sb.write(rel(path.join(userSkills, '.hidden', 'secret', 'SKILL.md')), skill('secret', 'Dot folders are skipped'));
  sb.write(rel(path.join(userSkills, 'node_modules', 'dep', 'SKILL.md')), skill('dep', 'node_modules is skipped'));
  const noDesc = sb.write(rel(path.join(userSkills, 'no-desc', 'SKILL.md')), skill('no-desc', undefined));
  const badName = sb.write(rel(path.join(userSkills, 'bad-name', 'SKILL.md')), skill('Bad_Name', 'Bad name but loads'));
  const badYaml = sb.write(rel(path.join(userSkills, 'bad-yaml', 'SKILL.md')), '---\ndescription: [unclosed\n---\n');
  // ~/.agents/skills holds SKILL.md folders only; a loose file there is ignored.
  const agentsSkill = sb.write(rel(path.join(sb.home, '.agents', 'skills', 'shared', 'SKILL.md')), skill('shared', 'From ~/.agents'));
  sb.write(rel(path.join(sb.home, '.agents', 'skills', 'loose.md')), skill('loose2', 'ignored'));
  const projectSkill = sb.write(rel(path.join(ws, '.pi', 'skills', 'proj-skill', 'SKILL.md')), skill('proj-skill', 'Project skill'));

  const items = await sb.ok<ResourceItem[]>('list_skills');
  const paths = items.map((i) => i.path);
  assert.equal(paths[0], projectSkill, 'project resources come first');
  for (const hidden of ['inner', 'notes', 'secret', 'dep', 'loose2']) {
    assert.equal(items.some((i) => i.name === hidden), false, `${hidden} must not be found`);
  }
  assert.deepEqual(byPath(items, good), {
    name: 'good-skill', description: 'Does good things', path: good, scope: 'user', source: 'user', enabled: true, valid: true, active: true,
  });
  assert.equal(byPath(items, loose).name, 'loose');
  assert.deepEqual(byPath(items, loose).warnings, ['name "loose" does not match parent directory "skills"']);
  assert.equal(byPath(items, nested).name, 'nested-one', 'a missing name falls back to the folder name');
  assert.equal(byPath(items, nested).warnings, undefined);

  const missing = byPath(items, noDesc);
  assert.equal(missing.valid, false);
  assert.equal(missing.active, false);
  assert.equal(missing.reason, 'description is required');

  const warned = byPath(items, badName);
  assert.equal(warned.valid, true, 'pi only warns about names');
  assert.ok(warned.warnings?.some((w) => w.includes('invalid characters')));
  assert.ok(warned.warnings?.some((w) => w.includes('does not match parent directory')));

  const yamlError = byPath(items, badYaml);
  assert.equal(yamlError.valid, false);
  assert.match(yamlError.reason ?? '', /^frontmatter: /);

  const fromAgents = byPath(items, agentsSkill);
  assert.equal(fromAgents.scope, 'user');
  assert.equal(fromAgents.source, 'agents');
  assert.equal(byPath(items, projectSkill).scope, 'project');
  assert.equal(byPath(items, projectSkill).workspace, ws);

  const alias = await sb.ok<ResourceItem[]>('scan_skills');
  assert.deepEqual(alias, items);
});

withSandbox('skills: .agents/skills up to the git root, collisions and settings overrides', async (sb) => {
  const repo = path.join(sb.root, 'repo');
  fs.mkdirSync(path.join(repo, '.git'), { recursive: true });
  const ws = path.join(repo, 'packages', 'app');
  fs.mkdirSync(ws, { recursive: true });
  sb.workspaces.push(ws);
  trustFolder(sb, repo);
  const rel = (p: string) => path.relative(sb.root, p);
  const inWs = sb.write(rel(path.join(ws, '.agents', 'skills', 'dup', 'SKILL.md')), skill('dup', 'closest'));
  const atRoot = sb.write(rel(path.join(repo, '.agents', 'skills', 'root-skill', 'SKILL.md')), skill('root-skill', 'at the git root'));
  sb.write(rel(path.join(sb.root, '.agents', 'skills', 'outside', 'SKILL.md')), skill('outside', 'above the git root'));
  const userDup = sb.write(rel(path.join(sb.agentDir, 'skills', 'dup', 'SKILL.md')), skill('dup', 'user copy'));
  const userOff = sb.write(rel(path.join(sb.agentDir, 'skills', 'off', 'SKILL.md')), skill('off', 'disabled by name'));
  const userForced = sb.write(rel(path.join(sb.agentDir, 'skills', 'forced', 'SKILL.md')), skill('forced', 'excluded by glob, forced back'));
  fs.writeFileSync(path.join(sb.agentDir, 'settings.json'), JSON.stringify({ skills: ['!off', '!f*', '+skills/forced'] }));
  const projectOff = sb.write(rel(path.join(ws, '.pi', 'skills', 'proj-off', 'SKILL.md')), skill('proj-off', 'force-excluded'));
  fs.writeFileSync(path.join(ws, '.pi', 'settings.json'), JSON.stringify({ skills: ['-skills/proj-off'] }));

  const items = await sb.ok<ResourceItem[]>('list_skills');
  assert.equal(items.some((i) => i.name === 'outside'), false, 'the walk stops at the git root');
  assert.equal(byPath(items, atRoot).source, 'agents');
  assert.equal(byPath(items, inWs).active, true);
  const shadowed = byPath(items, userDup);
  assert.equal(shadowed.active, false);
  assert.equal(shadowed.valid, true);
  assert.equal(shadowed.shadowed_by, inWs);
  assert.equal(shadowed.reason, `shadowed by ${inWs}`);

  const off = byPath(items, userOff);
  assert.equal(off.enabled, false);
  assert.equal(off.active, false);
  assert.match(off.reason ?? '', /^disabled by .*settings\.json$/);
  assert.equal(byPath(items, userForced).enabled, true);
  assert.equal(byPath(items, projectOff).enabled, false);

  const viaCwd = await sb.ok<ResourceItem[]>('list_skills', { cwd: path.join(sb.root, 'elsewhere') });
  assert.equal(viaCwd.some((i) => i.path === inWs), false, 'cwd replaces the workspace folders');
  const relative = await sb.call('list_skills', { cwd: 'relative/dir' });
  assert.equal(relative.success, false);
});

withSandbox('prompts: flat discovery and the description fallback', async (sb) => {
  const ws = workspace(sb, 'proj');
  const rel = (p: string) => path.relative(sb.root, p);
  const prompts = path.join(sb.agentDir, 'prompts');
  const withDesc = sb.write(rel(path.join(prompts, 'review.md')), '---\ndescription: Review the diff\n---\nLook at $1\n');
  const long = `${'word '.repeat(20)}end`;
  const fallback = sb.write(rel(path.join(prompts, 'long.md')), `\n\n${long}\nsecond line\n`);
  const short = sb.write(rel(path.join(prompts, 'short.md')), '---\nargument-hint: x\n---\n\nShort first line\n');
  sb.write(rel(path.join(prompts, 'sub', 'nested.md')), 'not found: prompts are not recursive');
  sb.write(rel(path.join(prompts, 'notes.txt')), 'not markdown');
  const broken = sb.write(rel(path.join(prompts, 'broken.md')), '---\ndescription: "unterminated\n---\nbody\n');
  const projectReview = sb.write(rel(path.join(ws, '.pi', 'prompts', 'review.md')), 'Project review prompt\n');

  const items = await sb.ok<ResourceItem[]>('list_prompts');
  assert.equal(items.some((i) => i.name === 'nested' || i.name === 'notes'), false);
  assert.equal(byPath(items, withDesc).description, 'Review the diff');
  assert.equal(byPath(items, fallback).description, `${long.slice(0, 60)}...`);
  assert.equal(byPath(items, short).description, 'Short first line');
  assert.equal(byPath(items, broken).valid, false);
  assert.equal(byPath(items, projectReview).active, true);
  assert.equal(byPath(items, withDesc).reason, `shadowed by ${projectReview}`);
  assert.deepEqual(await sb.ok('scan_prompts'), items);
});

withSandbox('themes: name and all 51 colour tokens are required', async (sb) => {
  const ws = workspace(sb, 'proj');
  const rel = (p: string) => path.relative(sb.root, p);
  const colors = Object.fromEntries(themeColorTokens.map((t) => [t, '#112233']));
  const themes = path.join(sb.agentDir, 'themes');
  const good = sb.write(rel(path.join(themes, 'mine.json')), JSON.stringify({ name: 'mine', vars: { base: 12 }, colors: { ...colors, accent: 'base' } }));
  const { accent: _a, border: _b, bashMode: _c, ...partial } = colors;
  const missing = sb.write(rel(path.join(themes, 'partial.json')), JSON.stringify({ name: 'partial', colors: partial }));
  const noName = sb.write(rel(path.join(themes, 'noname.json')), JSON.stringify({ colors }));
  const noColors = sb.write(rel(path.join(themes, 'nocolors.json')), JSON.stringify({ name: 'nocolors' }));
  const badVar = sb.write(rel(path.join(themes, 'badvar.json')), JSON.stringify({ name: 'badvar', colors: { ...colors, text: 'nope' } }));
  const badJson = sb.write(rel(path.join(themes, 'broken.json')), '{"name": ');
  const darkCopy = sb.write(rel(path.join(ws, '.pi', 'themes', 'dark.json')), JSON.stringify({ name: 'dark', colors }));

  const items = await sb.ok<ResourceItem[]>('list_themes');
  assert.deepEqual(items.slice(0, 2).map((i) => [i.name, i.scope, i.path]), [['dark', 'builtin', null], ['light', 'builtin', null]]);
  assert.equal(byPath(items, good).valid, true);
  assert.equal(byPath(items, good).active, true);
  assert.equal(byPath(items, missing).reason, 'colors: missing 3 tokens: accent, border, bashMode');
  assert.equal(byPath(items, noName).reason, 'name is required');
  assert.equal(byPath(items, noName).name, 'noname', 'the file name stands in for a missing name');
  assert.equal(byPath(items, noColors).reason, 'colors is required');
  assert.equal(byPath(items, badVar).reason, 'colors.text: unknown variable "nope"');
  assert.match(byPath(items, badJson).reason ?? '', /^invalid JSON/);
  assert.equal(byPath(items, darkCopy).reason, 'shadowed by built-in dark');
  assert.equal(byPath(items, darkCopy).scope, 'project');
});

test('theme tokens match the schema shipped with pi', () => {
  assert.equal(themeColorTokens.length, 51);
  assert.equal(new Set(themeColorTokens).size, 51);
  const schemaFile = path.join(repoRoot, 'node_modules/@mariozechner/pi-coding-agent/dist/modes/interactive/theme/theme-schema.json');
  // pi is a dev dependency; where it is installed, the copied list must equal its schema.
  if (fs.existsSync(schemaFile)) {
    const schema = JSON.parse(fs.readFileSync(schemaFile, 'utf8')) as { properties: { colors: { required: string[] } } };
    assert.deepEqual([...themeColorTokens].sort(), [...schema.properties.colors.required].sort());
  }
});

test('settings globs', () => {
  assert.equal(globToRegExp('f*').test('forced'), true);
  assert.equal(globToRegExp('f*').test('a/forced'), false);
  assert.equal(globToRegExp('skills/**/SKILL.md').test('skills/a/b/SKILL.md'), true);
  assert.equal(globToRegExp('skills/**/SKILL.md').test('skills/SKILL.md'), true);
  assert.equal(globToRegExp('a.md').test('aXmd'), false);
  assert.equal(globToRegExp('?.md').test('x.md'), true);
});

withSandbox('project trust: an untrusted project lists its resources inactive, says why and how to trust it', async (sb) => {
  const ws = workspace(sb, 'untrusted', false);
  const rel = (p: string) => path.relative(sb.root, p);
  const colors = Object.fromEntries(themeColorTokens.map((t) => [t, '#112233']));
  const projectSkill = sb.write(rel(path.join(ws, '.pi', 'skills', 'dup', 'SKILL.md')), skill('dup', 'project copy'));
  const agentsSkill = sb.write(rel(path.join(ws, '.agents', 'skills', 'agent-skill', 'SKILL.md')), skill('agent-skill', 'from .agents'));
  const userDup = sb.write(rel(path.join(sb.agentDir, 'skills', 'dup', 'SKILL.md')), skill('dup', 'user copy'));
  const projectPrompt = sb.write(rel(path.join(ws, '.pi', 'prompts', 'review.md')), 'Project review\n');
  const projectTheme = sb.write(rel(path.join(ws, '.pi', 'themes', 'ocean.json')), JSON.stringify({ name: 'ocean', colors }));
  // An untrusted project's settings.json is not read: its overrides must not touch anything.
  fs.writeFileSync(path.join(ws, '.pi', 'settings.json'), JSON.stringify({ skills: ['!agent-skill'] }));
  const canonical = fs.realpathSync(ws);
  const trustFile = path.join(sb.agentDir, 'trust.json');

  const skills = await sb.ok<ResourceItem[]>('list_skills');
  for (const file of [projectSkill, agentsSkill]) {
    const item = byPath(skills, file);
    assert.equal(item.active, false, file);
    assert.equal(item.valid, true);
    assert.equal(item.enabled, true, 'the untrusted settings.json did not disable it');
    assert.equal(item.scope, 'project');
    assert.match(item.reason ?? '', new RegExp(`^project ${canonical.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is not trusted: no trust decision is saved`));
    assert.ok(item.reason?.includes('/trust'), item.reason);
    assert.ok(item.reason?.includes(`"${canonical}": true in ${trustFile}`), item.reason);
    assert.ok(item.reason?.includes('"defaultProjectTrust": "always"'), item.reason);
  }
  const user = byPath(skills, userDup);
  assert.equal(user.active, true, 'an untrusted project skill claims no name');
  assert.equal(user.shadowed_by, undefined);
  for (const [command, file] of [['list_prompts', projectPrompt], ['list_themes', projectTheme]] as const) {
    const item = byPath(await sb.ok<ResourceItem[]>(command), file);
    assert.equal(item.active, false, command);
    assert.match(item.reason ?? '', /is not trusted/);
  }

  // Trusting it (pi's /trust writes the canonical folder) makes them active, settings included.
  trustFolder(sb, ws);
  const trusted = await sb.ok<ResourceItem[]>('list_skills');
  assert.equal(byPath(trusted, projectSkill).active, true);
  assert.equal(byPath(trusted, agentsSkill).enabled, false, 'now the project settings apply');
  assert.equal(byPath(trusted, userDup).shadowed_by, projectSkill);
});

withSandbox('project trust: the closest saved decision wins, then defaultProjectTrust; a broken trust.json trusts nothing', async (sb) => {
  const parent = path.join(sb.root, 'org');
  const ws = path.join(parent, 'app');
  fs.mkdirSync(path.join(ws, '.git'), { recursive: true });
  sb.workspaces.push(ws);
  const rel = (p: string) => path.relative(sb.root, p);
  const prompt = sb.write(rel(path.join(ws, '.pi', 'prompts', 'p.md')), 'A prompt\n');
  const state = async () => byPath(await sb.ok<ResourceItem[]>('list_prompts'), prompt);

  trustFolder(sb, parent, true);
  assert.equal((await state()).active, true, 'a trusted parent folder covers the project');
  trustFolder(sb, ws, false);
  const refused = await state();
  assert.equal(refused.active, false, 'the closer "false" wins over the parent');
  assert.match(refused.reason ?? '', /trust\.json says ".*app": false/);
  trustFolder(sb, ws, null);
  assert.equal((await state()).active, true, 'null removes the decision, so the parent decides again');

  fs.rmSync(path.join(sb.agentDir, 'trust.json'));
  fs.writeFileSync(path.join(sb.agentDir, 'settings.json'), JSON.stringify({ defaultProjectTrust: 'always' }));
  assert.equal((await state()).active, true, 'defaultProjectTrust "always" loads it');
  fs.writeFileSync(path.join(sb.agentDir, 'settings.json'), JSON.stringify({ defaultProjectTrust: 'never' }));
  assert.match((await state()).reason ?? '', /defaultProjectTrust is "never" in .*settings\.json/);
  // pi reads defaultProjectTrust from the global settings only.
  fs.writeFileSync(path.join(sb.agentDir, 'settings.json'), '{}');
  fs.writeFileSync(path.join(ws, '.pi', 'settings.json'), JSON.stringify({ defaultProjectTrust: 'always' }));
  assert.equal((await state()).active, false, 'a project cannot trust itself');

  fs.writeFileSync(path.join(sb.agentDir, 'trust.json'), '{"oops": 1}');
  assert.match((await state()).reason ?? '', /trust\.json cannot be read \(value for "oops" must be true, false or null\)/);
});

withSandbox('project trust: a workspace opened through a symlink uses the canonical folder pi saves', async (sb) => {
  const real = workspace(sb, 'real', false);
  sb.workspaces.length = 0;
  const link = path.join(sb.root, 'link');
  fs.symlinkSync(real, link);
  sb.workspaces.push(link);
  const prompt = sb.write(path.relative(sb.root, path.join(real, '.pi', 'prompts', 'p.md')), 'A prompt\n');
  trustFolder(sb, real);
  const items = await sb.ok<ResourceItem[]>('list_prompts');
  const item = items.find((i) => i.path === path.join(link, '.pi', 'prompts', 'p.md') || i.path === prompt);
  assert.ok(item);
  assert.equal(item.active, true);
});
