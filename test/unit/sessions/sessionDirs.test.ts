import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { piSessionDirs, resolveSessionDirs } from '../../../src/core/sessions/sessionDirs';

/** pi 1.6's session folder rules on real settings files: env > sessionDir (project over global) > default. */

function world() {
  const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'psm-dirs-')));
  const home = path.join(root, 'home');
  const agentDir = path.join(home, '.pi', 'agent');
  const projA = path.join(root, 'projects', 'a');
  const projB = path.join(root, 'projects', 'b');
  for (const d of [agentDir, projA, projB]) fs.mkdirSync(d, { recursive: true });
  const settings = (dir: string, value: unknown) => {
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'settings.json'), JSON.stringify(value));
  };
  return {
    root,
    home,
    agentDir,
    projA,
    projB,
    globalSetting: (value: unknown) => settings(agentDir, value),
    projectSetting: (proj: string, value: unknown) => settings(path.join(proj, '.pi'), value),
    dirs: (env: NodeJS.ProcessEnv = {}, workingDirs = [projA, projB]) => piSessionDirs({ agentDir, env, home, workingDirs }),
    cleanup: () => fs.rmSync(root, { recursive: true, force: true }),
  };
}

const pick = (dirs: ReturnType<typeof piSessionDirs>) => dirs.map((d) => [d.source, d.path, d.cwd ?? null]);

test('no setting: the default folder only', () => {
  const w = world();
  try {
    assert.deepEqual(pick(w.dirs()), [['pi-default', path.join(w.agentDir, 'sessions'), null]]);
  } finally {
    w.cleanup();
  }
});

test('PI_CODING_AGENT_SESSION_DIR wins over every setting; ~ is expanded, a relative value resolves per working folder', () => {
  const w = world();
  try {
    w.globalSetting({ sessionDir: '/elsewhere/global' });
    w.projectSetting(w.projA, { sessionDir: 'proj-sessions' });
    assert.deepEqual(pick(w.dirs({ PI_CODING_AGENT_SESSION_DIR: '~/pi-sessions' })), [['env', path.join(w.home, 'pi-sessions'), null]]);
    assert.deepEqual(pick(w.dirs({ PI_CODING_AGENT_SESSION_DIR: 'rel' })), [
      ['env', path.join(w.projA, 'rel'), w.projA],
      ['env', path.join(w.projB, 'rel'), w.projB],
    ]);
    // An empty variable is not set.
    assert.equal(w.dirs({ PI_CODING_AGENT_SESSION_DIR: '  ' })[0]!.source, 'project-settings');
  } finally {
    w.cleanup();
  }
});

test('an absolute global sessionDir replaces the default; a project setting wins for its project and resolves from it', () => {
  const w = world();
  try {
    w.globalSetting({ sessionDir: '~/all-sessions' });
    w.projectSetting(w.projA, { sessionDir: './.pi/sessions' });
    const dirs = w.dirs();
    assert.deepEqual(pick(dirs), [
      ['project-settings', path.join(w.projA, '.pi', 'sessions'), w.projA],
      ['pi-settings', path.join(w.home, 'all-sessions'), null],
    ]);
    assert.match(dirs[0]!.why ?? '', /sessionDir "\.\/\.pi\/sessions" in .*projects\/a\/\.pi\/settings\.json, relative to .*projects\/a$/);
    assert.match(dirs[1]!.why ?? '', /^sessionDir in .*\.pi\/agent\/settings\.json$/);
  } finally {
    w.cleanup();
  }
});

test('a relative global sessionDir resolves from each working folder (not the agent dir), and the default folder stays for other projects', () => {
  const w = world();
  try {
    w.globalSetting({ sessionDir: 'sessions-here' });
    const dirs = w.dirs();
    assert.deepEqual(pick(dirs), [
      ['pi-settings', path.join(w.projA, 'sessions-here'), w.projA],
      ['pi-settings', path.join(w.projB, 'sessions-here'), w.projB],
      ['pi-default', path.join(w.agentDir, 'sessions'), null],
    ]);
    assert.match(dirs[2]!.why ?? '', /relative sessionDir .* applies only where pi runs/);
    // Relative working folders (never sent by the faces) are ignored rather than guessed.
    assert.deepEqual(pick(w.dirs({}, ['relative/dir'])), [['pi-default', path.join(w.agentDir, 'sessions'), null]]);
  } finally {
    w.cleanup();
  }
});

test('the project setting is read whatever the project trust; broken or odd settings are ignored', () => {
  const w = world();
  try {
    // No trust.json at all: pi still reads the project's sessionDir before deciding trust.
    w.projectSetting(w.projA, { sessionDir: 'mine' });
    w.projectSetting(w.projB, { sessionDir: 42 });
    fs.writeFileSync(path.join(w.agentDir, 'settings.json'), '{ broken');
    assert.deepEqual(pick(w.dirs()), [
      ['project-settings', path.join(w.projA, 'mine'), w.projA],
      ['pi-default', path.join(w.agentDir, 'sessions'), null],
    ]);
  } finally {
    w.cleanup();
  }
});

test('resolveSessionDirs: pi first, then launch and user folders, once each, with existence and reasons', () => {
  const w = world();
  try {
    const sessions = path.join(w.agentDir, 'sessions');
    fs.mkdirSync(sessions);
    const extra = path.join(w.root, 'extra');
    const dirs = resolveSessionDirs({ agentDir: w.agentDir, env: {}, home: w.home, workingDirs: [w.projA], launchDirs: [extra, sessions], userDirs: ['~/saved', extra] });
    assert.deepEqual(
      dirs.map((d) => [d.source, d.path, d.exists]),
      [
        ['pi-default', sessions, true],
        ['launch', extra, false],
        ['user', path.join(w.home, 'saved'), false],
      ],
    );
    assert.ok(dirs.every((d) => typeof d.why === 'string' && d.why.length > 0));
  } finally {
    w.cleanup();
  }
});

test('a setting that names the root or the home folder itself is not scanned', () => {
  const w = world();
  try {
    w.projectSetting(w.projA, { sessionDir: '~' });
    w.projectSetting(w.projB, { sessionDir: '../../../../../../../../../../..' });
    const warnings: string[] = [];
    const log = { trace() {}, debug() {}, info() {}, warn: (m: string) => void warnings.push(m), error() {} };
    const dirs = piSessionDirs({ agentDir: w.agentDir, env: {}, home: w.home, workingDirs: [w.projA, w.projB], log });
    assert.deepEqual(pick(dirs), [['pi-default', path.join(w.agentDir, 'sessions'), null]]);
    assert.equal(warnings.length, 2, warnings.join('\n'));
    assert.match(warnings.join('\n'), /not scanning .* the file system root or the home folder itself cannot be a session folder/);
    assert.deepEqual(pick(w.dirs({ PI_CODING_AGENT_SESSION_DIR: '/' })), []);
  } finally {
    w.cleanup();
  }
});
