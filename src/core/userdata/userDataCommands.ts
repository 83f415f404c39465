import { ApiError } from '../../shared/api/errors';
import { s, type Schema } from '../api/schema';
import type { JsonValue } from '../../shared/model/json';
import { defineCommand, type Caller } from '../api/types';
import type { ConfigBundleStore } from './configBundle';
import { tagColorMax, tagNameMax } from './tagStore';
import type { UserData } from './userData';

/**
 * For updates: an absent key leaves the field alone, while an explicit `null` clears it
 * (a tag's color) or moves it to the top level (`parent_id`).
 */
function absentOrNull<T>(inner: Schema<T>): Schema<T | null | undefined> {
  return {
    kind: inner.kind,
    optional: true,
    parse(value, where) {
      if (value === undefined) return undefined;
      if (value === null) return null;
      return inner.parse(value, where);
    },
  };
}

const sessionPath = () => s.string({ min: 1, max: 4096 });
const tagName = () => s.string({ min: 1, max: tagNameMax, trim: true });
const tagColor = () => s.string({ max: tagColorMax, trim: true });

export function createTagCommands(userData: UserData) {
  const { tags } = userData;
  return [
    defineCommand({
      name: 'list_tags',
      aliases: ['get_all_tags'],
      scope: 'read',
      summary: 'All tags with their parent and how many sessions carry each',
      payload: s.object({}),
      run: async () => {
        await userData.sessionsReady();
        return tags.list();
      },
    }),
    defineCommand({
      name: 'create_tag',
      scope: 'write',
      summary: 'Create a tag, optionally inside another tag',
      payload: s.object({ name: tagName(), color: s.nullable(tagColor()), parent_id: s.nullable(s.id()) }),
      run: (p) => tags.create({ name: p.name, color: p.color ?? null, parent_id: p.parent_id ?? null }),
    }),
    defineCommand({
      name: 'update_tag',
      scope: 'write',
      summary: 'Rename, recolor or move a tag (parent_id null moves it to the top level)',
      payload: s.object({
        id: s.id(),
        name: s.optional(tagName()),
        color: absentOrNull(tagColor()),
        parent_id: absentOrNull(s.id()),
      }),
      run: (p) => {
        const changes: { name?: string; color?: string | null; parent_id?: number | null } = {};
        if (p.name !== undefined) changes.name = p.name;
        if (p.color !== undefined) changes.color = p.color;
        if (p.parent_id !== undefined) changes.parent_id = p.parent_id;
        return tags.update(p.id, changes);
      },
    }),
    defineCommand({
      name: 'delete_tag',
      scope: 'write',
      summary: "Delete a tag; its children move up to the deleted tag's parent",
      payload: s.object({ id: s.id() }),
      run: (p) => tags.delete(p.id),
    }),
    defineCommand({
      name: 'assign_tag',
      scope: 'write',
      summary: 'Put a tag on a session',
      payload: s.object({ session_path: sessionPath(), tag_id: s.id() }),
      run: (p) => tags.assign(p.session_path, p.tag_id),
    }),
    defineCommand({
      name: 'remove_tag',
      aliases: ['remove_tag_from_session'],
      scope: 'write',
      summary: 'Take a tag off a session',
      payload: s.object({ session_path: sessionPath(), tag_id: s.id() }),
      run: (p) => tags.remove(p.session_path, p.tag_id),
    }),
  ];
}

export function createFavoriteCommands(userData: UserData) {
  const { favorites } = userData;
  return [
    defineCommand({
      name: 'list_favorites',
      aliases: ['get_all_favorites'],
      scope: 'read',
      summary: 'Paths of the favorite sessions',
      payload: s.object({}),
      run: async () => {
        await userData.sessionsReady();
        return favorites.list();
      },
    }),
    defineCommand({
      name: 'toggle_favorite',
      scope: 'write',
      summary: 'Flip (or, with `favorite`, set) the favorite flag of a session; returns the new state',
      payload: s.object({ path: sessionPath(), favorite: s.optional(s.boolean()) }),
      run: (p) => favorites.toggle(p.path, p.favorite),
    }),
  ];
}

function isObject(v: JsonValue): v is { [key: string]: JsonValue } {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function cameOverApi(caller: Caller): boolean {
  return caller.transport === 'http' || caller.transport === 'ws';
}

export function createConfigCommands(config: ConfigBundleStore) {
  return [
    defineCommand({
      name: 'get_config_bundle',
      scope: 'read',
      summary: 'Every setting in one object (never any token)',
      payload: s.object({}),
      run: () => config.current(),
    }),
    defineCommand({
      name: 'save_config_bundle',
      scope: 'admin',
      summary: 'Validate, save, apply and version a whole or partial config bundle',
      payload: s.json(),
      run: (p, ctx) => {
        if (!isObject(p)) throw new ApiError('invalid_payload', 'payload: expected a config bundle object');
        // Both `{...bundle}` and `{bundle: {...}}` are accepted.
        const wrapped = isObject(p.bundle ?? null) && Object.keys(p).every((k) => k === 'bundle');
        return config.save(wrapped ? p.bundle : p, { overApi: cameOverApi(ctx.caller) });
      },
    }),
    defineCommand({
      name: 'list_config_versions',
      scope: 'read',
      summary: 'Saved config versions, newest first',
      payload: s.object({ limit: s.optional(s.number({ integer: true, min: 1, max: 1000 })) }),
      run: (p) => config.listVersions(p.limit),
    }),
    defineCommand({
      name: 'get_config_version',
      scope: 'read',
      summary: 'The bundle a config version recorded',
      payload: s.object({ id: s.id() }),
      run: (p) => {
        const bundle = config.version(p.id);
        if (!bundle) throw new ApiError('not_found', `id: no config version with id ${p.id}`);
        return { id: p.id, bundle };
      },
    }),
    defineCommand({
      name: 'restore_config_version',
      scope: 'admin',
      summary: 'Apply an earlier config version (recorded as a new version)',
      payload: s.object({ id: s.id() }),
      run: (p, ctx) => config.restore(p.id, { overApi: cameOverApi(ctx.caller) }),
    }),
  ];
}

/** Every tag, favorite and configuration command. */
export function createUserDataCommands(deps: { userData: UserData; config: ConfigBundleStore }) {
  return [...createTagCommands(deps.userData), ...createFavoriteCommands(deps.userData), ...createConfigCommands(deps.config)];
}
