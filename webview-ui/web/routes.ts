/** The screens, addressed by the URL fragment so Back, reload and bookmarks work. */
export type Route =
  | { screen: 'list' }
  | { screen: 'search'; query: string }
  | { screen: 'session'; path: string; entryId?: string };

export { sessionHref } from '../../src/shared/webClientLinks';

export function searchHref(query = ''): string {
  return query ? `#/search?${new URLSearchParams({ q: query }).toString()}` : '#/search';
}

export function parseRoute(hash: string): Route {
  const [where = '', query = ''] = hash.replace(/^#\/?/, '').split('?', 2);
  const params = new URLSearchParams(query);
  if (where === 'session' && params.get('path')) {
    const entryId = params.get('entry') ?? undefined;
    return entryId ? { screen: 'session', path: params.get('path')!, entryId } : { screen: 'session', path: params.get('path')! };
  }
  if (where === 'search') return { screen: 'search', query: params.get('q') ?? '' };
  return { screen: 'list' };
}
