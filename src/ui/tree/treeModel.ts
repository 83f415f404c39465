import type { SessionInfo } from '../../shared/model/sessionInfo';

export type GroupKey = { kind: 'favorites' } | { kind: 'tags' } | { kind: 'tag'; tagId: number } | { kind: 'project'; cwd: string };

/** A folder-like node. Node objects are cached by id, so VS Code sees the same object on every refresh. */
export interface GroupNode {
  readonly kind: 'group';
  readonly id: string;
  readonly key: GroupKey;
}

export interface SessionNode {
  readonly kind: 'session';
  readonly id: string;
  readonly path: string;
  /** The group the node is listed under (a session can be listed under several). */
  readonly groupId: string;
}

export type SidebarNode = GroupNode | SessionNode;

/** What a change touched: either the whole root, or some groups and some session rows. */
export interface TreeChange {
  root: boolean;
  groups: GroupNode[];
  sessions: SessionNode[];
}

export function groupIdOf(key: GroupKey): string {
  switch (key.kind) {
    case 'favorites':
      return 'g:favorites';
    case 'tags':
      return 'g:tags';
    case 'tag':
      return `g:tag:${key.tagId}`;
    case 'project':
      return `g:project:${key.cwd}`;
  }
}

export function sessionNodeId(groupId: string, path: string): string {
  return `s:${groupId}:${path}`;
}

export function isSessionNode(value: unknown): value is SessionNode {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'session' && typeof (value as { path?: unknown }).path === 'string';
}

export function isGroupNode(value: unknown): value is GroupNode {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'group';
}
