// Client for the runner's driver endpoint: lets a test inside the extension host ask the
// browser side (Playwright) to take a screenshot, wait for, click or read workbench DOM.
export const driverUrlVariable = 'PSM_E2E_DRIVER_URL';

interface DriverReply {
  ok: boolean;
  result?: unknown;
  error?: string;
}

export async function sendToDriver(action: string, args: Record<string, unknown> = {}): Promise<unknown> {
  const url = process.env[driverUrlVariable];
  if (!url) throw new Error(`${driverUrlVariable} is not set; the e2e runner sets it`);
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ action, ...args }),
  });
  const reply = (await res.json()) as DriverReply;
  if (!reply.ok) throw new Error(`driver ${action} failed: ${reply.error ?? res.status}`);
  return reply.result;
}

export const browser = {
  /** `readme` also writes media/screenshots/<readme>.png, an image the README shows. */
  screenshot: async (name: string, options: { readme?: string } = {}) => (await sendToDriver('screenshot', { name, ...options })) as { path: string; readme?: string },
  /** Opens `url` in a page of its own at `width`×`height`, waits for `waitFor` and takes a screenshot. */
  pageScreenshot: async (options: { url: string; name: string; width: number; height: number; waitFor?: string; textOf?: string; readme?: string }) =>
    (await sendToDriver('pageScreenshot', options)) as { path: string; readme?: string; texts: string[] },
  waitFor: async (selector: string, timeoutMs?: number) => {
    await sendToDriver('waitFor', { selector, timeoutMs });
  },
  click: async (selector: string, options: { button?: 'left' | 'right'; timeoutMs?: number } = {}) => {
    await sendToDriver('click', { selector, ...options });
  },
  texts: async (selector: string) => ((await sendToDriver('text', { selector })) as { texts: string[] }).texts,
  count: async (selector: string) => ((await sendToDriver('count', { selector })) as { count: number }).count,
  press: async (key: string) => {
    await sendToDriver('press', { key });
  },
  type: async (text: string) => {
    await sendToDriver('type', { text });
  },
};
