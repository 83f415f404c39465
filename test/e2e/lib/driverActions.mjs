// What in-host tests can ask the browser side to do. A test inside the extension host cannot
// see the workbench DOM, so it POSTs `{action, ...args}` to the driver, which runs the matching
// step here with Playwright and answers with its result. Add new steps to this table.
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

let axeSource;
/** axe-core's browser build, read once, injected into a webview frame by the `axe` action. */
function axe() {
  axeSource ??= readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
  return axeSource;
}

/** The README's images: written by the suites, never drawn by hand. */
export const readmeScreenshotDir = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../../media/screenshots');

const defaultTimeoutMs = 15_000;

function requireString(args, key) {
  const value = args[key];
  if (typeof value !== 'string' || value.length === 0) throw new Error(`"${key}" must be a non-empty string`);
  return value;
}

function timeoutOf(args) {
  return typeof args.timeoutMs === 'number' ? args.timeoutMs : defaultTimeoutMs;
}

/** With `readme: 'tree'` the screenshot also becomes media/screenshots/tree.png. */
function copyForReadme(file, args) {
  if (typeof args.readme !== 'string' || !args.readme) return undefined;
  mkdirSync(readmeScreenshotDir, { recursive: true });
  const target = path.join(readmeScreenshotDir, `${safeName(args.readme)}.png`);
  copyFileSync(file, target);
  return target;
}

/** Screenshot names become file names; keep them tame. */
function safeName(name) {
  return name.replace(/[^a-zA-Z0-9._-]+/g, '-').slice(0, 80);
}

/**
 * Each action gets the page, the parsed request body, and the run context
 * (`screenshotDir`, `screenshots` list), and returns a JSON-serialisable result.
 */
export const driverActions = {
  async screenshot(page, args, ctx) {
    const name = safeName(requireString(args, 'name'));
    mkdirSync(ctx.screenshotDir, { recursive: true });
    const file = path.join(ctx.screenshotDir, `${ctx.prefix}${name}.png`);
    await page.screenshot({ path: file, fullPage: false });
    ctx.screenshots.push(file);
    return { path: file, readme: copyForReadme(file, args) };
  },

  /**
   * Opens `url` in a page of its own at a given size (e.g. the web client at phone size),
   * waits for `waitFor`, takes a screenshot and closes the page.
   */
  async pageScreenshot(page, args, ctx) {
    const name = safeName(requireString(args, 'name'));
    const other = await page.context().newPage();
    try {
      await other.setViewportSize({ width: Number(args.width) || 390, height: Number(args.height) || 844 });
      await other.goto(requireString(args, 'url'));
      if (typeof args.waitFor === 'string') await other.locator(args.waitFor).first().waitFor({ timeout: timeoutOf(args) });
      // Fonts and the first layout pass settle before the picture is taken.
      await other.waitForTimeout(500);
      mkdirSync(ctx.screenshotDir, { recursive: true });
      const file = path.join(ctx.screenshotDir, `${ctx.prefix}${name}.png`);
      await other.screenshot({ path: file, fullPage: false });
      ctx.screenshots.push(file);
      const texts = typeof args.textOf === 'string' ? await other.locator(args.textOf).allInnerTexts() : [];
      return { path: file, readme: copyForReadme(file, args), texts };
    } finally {
      await other.close();
    }
  },

  async waitFor(page, args) {
    const selector = requireString(args, 'selector');
    const state = typeof args.state === 'string' ? args.state : 'visible';
    await page.locator(selector).first().waitFor({ state, timeout: timeoutOf(args) });
    return { found: true };
  },

  async click(page, args) {
    const selector = requireString(args, 'selector');
    const button = args.button === 'right' ? 'right' : 'left';
    await page.locator(selector).first().click({ button, timeout: timeoutOf(args) });
    return { clicked: true };
  },

  async text(page, args) {
    const selector = requireString(args, 'selector');
    const locator = page.locator(selector);
    const texts = await locator.allInnerTexts();
    return { texts };
  },

  /** Text and chosen attributes of every match, in document order (e.g. tree rows with aria-level). */
  async describe(page, args) {
    const selector = requireString(args, 'selector');
    const names = Array.isArray(args.attributes) ? args.attributes.filter((a) => typeof a === 'string') : [];
    const items = await page.locator(selector).evaluateAll(
      (elements, attributeNames) =>
        elements.map((el) => ({
          text: el.innerText,
          attributes: Object.fromEntries(attributeNames.map((n) => [n, el.getAttribute(n)])),
        })),
      names,
    );
    return { items };
  },

  /** Hovers an element, e.g. to make a tree row's inline actions or tooltip appear. */
  async hover(page, args) {
    await page.locator(requireString(args, 'selector')).first().hover({ timeout: timeoutOf(args) });
    return { hovered: true };
  },

  async count(page, args) {
    return { count: await page.locator(requireString(args, 'selector')).count() };
  },

  async press(page, args) {
    await page.keyboard.press(requireString(args, 'key'));
    return { pressed: true };
  },

  async type(page, args) {
    await page.keyboard.type(requireString(args, 'text'));
    return { typed: true };
  },

  /**
   * Content Security Policy violations the browser logged since the workbench opened, from
   * webview frames only, with the frame's URL.
   */
  async cspViolations(_page, _args, ctx) {
    // Webview documents and their resources; our pages' policies are the nonce-based ones.
    return { messages: (ctx.cspMessages ?? []).filter((m) => /webview|vscode-resource|vscode-remote-resource|vscode-cdn/i.test(m.url) || /'nonce-/.test(m.text) || /^CSP violation:/.test(m.text)) };
  },

  /** Every CSP message logged, webview or not, for diagnosis. */
  async cspMessages(_page, _args, ctx) {
    return { messages: ctx.cspMessages ?? [] };
  },

  /**
   * Runs axe-core's WCAG 2.1 A/AA rules (but colour contrast, which the theme decides) in the
   * frame that holds `selector` (a webview's inner document). The script is evaluated through the debugging protocol, outside the page's CSP.
   */
  async axe(page, args) {
    const selector = requireString(args, 'selector');
    for (const frame of page.frames()) {
      const has = await frame.evaluate((s) => document.querySelector(s) !== null, selector).catch(() => false);
      if (!has) continue;
      if (!(await frame.evaluate(() => typeof window.axe === 'object'))) await frame.evaluate(axe());
      const violations = await frame.evaluate(async (tags) => {
        // Colours in the editor are the user's theme's (--vscode-* variables): VS Code's own
        // Light Modern has 4.39:1 for descriptionForeground on widgets. Contrast is checked in
        // the browser client and the export (test/integration/webclient/axe.test.ts), where
        // the palette is ours; every other rule applies here.
        const result = await window.axe.run(document, { runOnly: { type: 'tag', values: tags }, rules: { 'color-contrast': { enabled: false } }, resultTypes: ['violations'] });
        return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 5).map((n) => `${n.target.join(' ')} — ${(n.failureSummary ?? '').replace(/\s+/g, ' ').slice(0, 240)}`) }));
      }, ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']);
      return { violations };
    }
    throw new Error(`no frame holds ${selector}`);
  },

  /** The in-host harness sends its final tally here, so the runner does not depend on log parsing. */
  async report(_page, args, ctx) {
    ctx.report = args;
    return { received: true };
  },
};
