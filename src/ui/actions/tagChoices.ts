import type { TagListing } from '../../shared/model/tags';

export type TagChoice = { kind: 'existing'; tag: TagListing; path: string } | { kind: 'create'; name: string; parentId: number | null; path: string };

/** `parent / child` path of a tag, for telling nested tags apart. */
export function tagPath(tag: TagListing, all: readonly TagListing[]): string {
  const names = [tag.name];
  const seen = new Set([tag.id]);
  let parentId = tag.parent_id;
  while (parentId !== null) {
    const parent = all.find((t) => t.id === parentId);
    if (!parent || seen.has(parent.id)) break;
    seen.add(parent.id);
    names.unshift(parent.name);
    parentId = parent.parent_id;
  }
  return names.join(' / ');
}

/**
 * The choices of the "Add Tag" picker for what the user typed: the tags the session does
 * not have yet, plus "create" when the text names no existing tag. `parent/child` creates
 * the child inside an existing parent tag.
 */
export function tagChoices(all: readonly TagListing[], sessionTagIds: readonly number[], typed: string): TagChoice[] {
  const existing = all
    .filter((t) => !sessionTagIds.includes(t.id))
    .map((tag): TagChoice => ({ kind: 'existing', tag, path: tagPath(tag, all) }))
    .sort((a, b) => a.path.localeCompare(b.path));
  const wanted = typed.trim();
  if (!wanted) return existing;
  const slash = wanted.lastIndexOf('/');
  const parentText = slash > 0 ? wanted.slice(0, slash).trim() : '';
  const name = (slash > 0 ? wanted.slice(slash + 1) : wanted).trim();
  if (!name) return existing;
  const parent = parentText ? all.find((t) => tagPath(t, all).toLowerCase().replace(/\s*\/\s*/g, '/') === parentText.toLowerCase().replace(/\s*\/\s*/g, '/')) : undefined;
  if (parentText && !parent) return existing;
  const parentId = parent?.id ?? null;
  const duplicate = all.some((t) => t.name.toLowerCase() === name.toLowerCase() && t.parent_id === parentId);
  if (duplicate) return existing;
  const path = parent ? `${tagPath(parent, all)} / ${name}` : name;
  return [{ kind: 'create', name, parentId, path }, ...existing];
}
