import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { CommandId, SettingKey, ViewId } from '../../../src/ui/ids';

const root = path.resolve(__dirname, '../../..');
/** package.json as VS Code shows it in English: every `%key%` replaced from package.nls.json. */
const nls: Record<string, string> = JSON.parse(fs.readFileSync(path.join(root, 'package.nls.json'), 'utf8'));
const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'), (_key, value: unknown) =>
  typeof value === 'string' && /^%[\w.-]+%$/.test(value) ? (nls[value.slice(1, -1)] ?? value) : value,
);
const contributed = new Set<string>(manifest.contributes.commands.map((c: { command: string }) => c.command));
/** Workbench commands the manifest may link to besides its own. */
const workbenchCommands = new Set([`workbench.view.extension.${ViewId.container}`, 'workbench.action.openSettings', 'workbench.action.openWalkthrough']);

function commandLinks(markdown: string): string[] {
  return [...markdown.matchAll(/\(command:([\w.-]+)(?:\?[^)]*)?\)/g)].map((m) => m[1]);
}

describe('package.json', () => {
  it('contributes exactly the commands of src/ui/ids.ts', () => {
    assert.deepEqual([...contributed].sort(), Object.values(CommandId).sort());
  });

  it('has the files the gallery shows: licence, changelog for this version, a 128×128 PNG icon', () => {
    assert.match(fs.readFileSync(path.join(root, 'LICENSE'), 'utf8'), /^MIT License/);
    assert.match(fs.readFileSync(path.join(root, 'CHANGELOG.md'), 'utf8'), new RegExp(`^## ${manifest.version.replace(/\./g, '\\.')}$`, 'm'));
    const png = fs.readFileSync(path.join(root, manifest.icon));
    assert.equal(png.toString('latin1', 1, 4), 'PNG');
    assert.deepEqual([png.readUInt32BE(16), png.readUInt32BE(20)], [128, 128]);
    assert.ok(manifest.galleryBanner?.color && manifest.galleryBanner?.theme);
  });

  it('walkthrough steps link to contributed commands and to media that exist', () => {
    const [walkthrough] = manifest.contributes.walkthroughs;
    assert.ok(walkthrough.steps.length >= 5);
    for (const step of walkthrough.steps) {
      const links = commandLinks(step.description);
      assert.ok(links.length > 0, `${step.id}: no command link`);
      for (const id of links) assert.ok(contributed.has(id) || workbenchCommands.has(id), `${step.id}: unknown command ${id}`);
      for (const event of step.completionEvents ?? []) {
        const command = /^onCommand:(.+)$/.exec(event)?.[1];
        if (command) assert.ok(contributed.has(command), `${step.id}: completion on unknown command ${command}`);
      }
      assert.ok(fs.existsSync(path.join(root, step.media.markdown)), `${step.id}: ${step.media.markdown} is missing`);
    }
    const linked = new Set(walkthrough.steps.flatMap((s: { description: string }) => commandLinks(s.description)));
    for (const id of [CommandId.openSession, CommandId.search, CommandId.showQrCode, CommandId.resumeInTerminal]) {
      assert.ok(linked.has(id), `no step links to ${id}`);
    }
  });

  it('every setting explains itself: Markdown text, enum values described, numbers bounded', () => {
    const properties: Record<string, Record<string, unknown>> = manifest.contributes.configuration.properties;
    assert.deepEqual(
      Object.keys(properties).sort(),
      Object.entries(SettingKey)
        .filter(([name]) => name !== 'section')
        .map(([, key]) => `${SettingKey.section}.${key}`)
        .sort(),
    );
    for (const [key, setting] of Object.entries(properties)) {
      assert.equal(typeof setting.markdownDescription, 'string', `${key}: no markdownDescription`);
      assert.ok((setting.markdownDescription as string).length >= 40, `${key}: markdownDescription says too little`);
      assert.equal(setting.description, undefined, `${key}: a plain description beside the Markdown one`);
      if (Array.isArray(setting.enum)) {
        const described = (setting.markdownEnumDescriptions ?? setting.enumDescriptions) as unknown[] | undefined;
        assert.equal(described?.length, setting.enum.length, `${key}: every enum value needs a description`);
      }
      if (setting.type === 'integer' || setting.type === 'number') {
        assert.equal(typeof setting.minimum, 'number', `${key}: no minimum`);
        assert.equal(typeof setting.maximum, 'number', `${key}: no maximum`);
      }
      for (const ref of (setting.markdownDescription as string).matchAll(/#([\w.]+)#/g)) {
        assert.ok(ref[1] in properties, `${key}: links to unknown setting ${ref[1]}`);
      }
    }
  });

  it('the welcome view links only to commands that exist', () => {
    for (const welcome of manifest.contributes.viewsWelcome) {
      assert.equal(welcome.view, ViewId.sessions);
      for (const id of commandLinks(welcome.contents)) assert.ok(contributed.has(id) || workbenchCommands.has(id), `unknown command ${id}`);
    }
  });

  it('with no sessions, the welcome view names the watched folders and opens their settings', () => {
    const empty = manifest.contributes.viewsWelcome.find((w: { when?: string }) => w.when === '!piSessions.filterActive');
    assert.ok(empty, 'no welcome view for an empty, unfiltered tree');
    assert.match(empty.contents, /~\/\.pi\/agent\/sessions/);
    assert.match(empty.contents, /PI_CODING_AGENT_SESSION_DIR/);
    assert.match(empty.contents, /sessionDir from the project’s \.pi\/settings\.json/);
    assert.match(empty.contents, /run pi in a project/);
    const links = commandLinks(empty.contents);
    for (const id of [CommandId.showSessionFolders, CommandId.openDemoSessions, CommandId.addSessionFolder]) assert.ok(links.includes(id), `no link to ${id}`);
    for (const id of links) assert.ok(contributed.has(id) || workbenchCommands.has(id), `unknown command ${id}`);
    const settings = /\(command:workbench\.action\.openSettings\?([^)]+)\)/.exec(empty.contents);
    assert.ok(settings, 'no button that opens the settings');
    const [query] = JSON.parse(decodeURIComponent(settings[1])) as string[];
    assert.ok(query in manifest.contributes.configuration.properties, `the settings button searches for ${query}`);
  });

  it('the README shows the screenshots the e2e suites write, and the package ships them', () => {
    const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
    const top = readme.split('\n## ')[0]!;
    const images = [...top.matchAll(/<img src="([^"]+)"/g)].map((m) => m[1]!);
    assert.deepEqual(images.sort(), ['media/screenshots/dashboard.png', 'media/screenshots/tree.png', 'media/screenshots/viewer.png', 'media/screenshots/web-client-phone.png']);
    for (const image of images) {
      const png = fs.readFileSync(path.join(root, image));
      assert.equal(png.toString('latin1', 1, 4), 'PNG', `${image} is a PNG`);
    }
    assert.match(fs.readFileSync(path.join(root, '.vscodeignore'), 'utf8'), /^!media\/\*\*$/m, 'media/ (with the screenshots) ships in the vsix');
    assert.match(fs.readFileSync(path.join(root, 'scripts/package.mjs'), 'utf8'), /--no-rewrite-relative-links/, 'vsce keeps the relative image links (there is no repository to rewrite them to)');
  });
});
