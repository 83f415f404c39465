/**
 * Addresses of the web client's session screen (the URL fragment), for the web client itself
 * and for the editor when it opens a session of a server in the browser.
 */
export function sessionHref(path: string, entryId?: string): string {
  const params = new URLSearchParams({ path });
  if (entryId) params.set('entry', entryId);
  return `#/session?${params.toString()}`;
}
