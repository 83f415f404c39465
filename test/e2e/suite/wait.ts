// Polling helper: the extension starts its scan and server after activation returns, and the
// workbench renders asynchronously, so tests wait for a condition rather than a fixed delay.
/** `what` names the condition in the timeout error; a function is read then, so it can tell the last state seen. */
export async function waitUntil(what: string | (() => string), check: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${typeof what === 'function' ? what() : what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
