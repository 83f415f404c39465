// Reading our webviews (viewer, dashboard) through the workbench DOM. A webview is two
// nested iframes; Playwright steps into both with the selector prefix below.
import * as path from 'node:path';
import { sendToDriver } from './driver';
import { waitUntil } from './wait';

/** Prefix a selector with this to reach into the visible webview's page. */
export const webviewFrame = 'iframe.webview.ready:visible >> internal:control=enter-frame >> iframe#active-frame >> internal:control=enter-frame >> ';

export interface Described {
  text: string;
  attributes: Record<string, string | null>;
}

/** The text and the named attributes of every element `selector` matches. */
export async function describe(selector: string, attributes: string[] = []): Promise<Described[]> {
  return ((await sendToDriver('describe', { selector, attributes })) as { items: Described[] }).items;
}

const viewerStatusSelector = `${webviewFrame}.psm-viewer-status`;
const viewerStatusAttributes = ['data-deleted', 'data-state', 'data-session-path', 'data-first-paint-ms', 'data-first-paint-at', 'data-first-screen-entries', 'data-rendered-entries', 'data-total-entries', 'data-render-complete', 'data-revealed-entry'];

/** The visible viewer's status attributes (what it shows, how far it has rendered), or none. */
export async function viewerStatus(): Promise<Record<string, string | null>> {
  const [found] = await describe(viewerStatusSelector, viewerStatusAttributes).catch(() => []);
  return found?.attributes ?? {};
}

/**
 * Waits until the visible viewer shows `sessionPath` and has painted its first screen (and,
 * given `revealedEntry`, scrolled to that entry). A viewer still loading takes the focus when
 * its page is ready, which would close a quick pick opened meanwhile: tests wait for this
 * before going on.
 */
export async function waitForViewerPaint(sessionPath: string, options: { revealedEntry?: string; timeoutMs?: number } = {}): Promise<Record<string, string | null>> {
  let last: Record<string, string | null> = {};
  await waitUntil(
    () => `the viewer to paint ${path.basename(sessionPath)}${options.revealedEntry ? ` at entry ${options.revealedEntry}` : ''} (last status ${JSON.stringify(last)})`,
    async () => {
      last = await viewerStatus();
      const painted = last['data-state'] === 'ready' && last['data-session-path'] === sessionPath && last['data-first-paint-ms'] !== null;
      return painted && (options.revealedEntry === undefined || last['data-revealed-entry'] === options.revealedEntry);
    },
    options.timeoutMs ?? 30_000,
  );
  return last;
}
