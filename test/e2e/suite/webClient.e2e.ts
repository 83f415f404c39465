// The web client the extension serves, as a phone shows it: the same browser, a page of its
// own at phone size, on this machine (so no token is needed).
import * as assert from 'node:assert/strict';
import { test } from './harness';
import { browser } from './driver';
import { waitUntil } from './wait';
import { fixtureSessions } from './sessionTreeDom';
import { extensionApi } from './extensionApi';

test('the web client on a phone lists the sessions by project', async () => {
  const api = await extensionApi();
  await waitUntil('the API to serve', async () => api.serverState().kind === 'serving', 20_000);
  const state = api.serverState();
  assert.equal(state.kind, 'serving');
  const shot = await browser.pageScreenshot({
    url: `${state.kind === 'serving' ? state.url : ''}/`,
    name: 'web-client-phone',
    width: 390,
    height: 844,
    waitFor: '.app:has(.connection[data-state="connected"]):has(.session-row)',
    textOf: '.session-row .row-title',
    readme: 'web-client-phone',
  });
  // Other suites rename and delete some fixtures; these two they leave alone.
  const titles = shot.texts.map((t) => t.replace('★', '').trim());
  assert.ok(titles.length >= fixtureSessions().length - 1, `rows: ${titles.join(' | ')}`);
  for (const name of ['Accessibility pass', 'Speed up the CSV import']) assert.ok(titles.includes(name), `the list shows ${name}: ${titles.join(' | ')}`);
  console.log(`       screenshot: ${shot.path}`);
});
