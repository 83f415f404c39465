import * as fs from 'node:fs';
import * as path from 'node:path';
import { s } from '../api/schema';
import { defineCommand } from '../api/types';
import { ApiError } from '../../shared/api/errors';
import type { SessionIndex } from './sessionIndex';
import type { SessionDir } from '../../shared/model/sessionDirs';
import { resolveSessionFile } from './sessionPathGuard';
import type { OwnSessionWrites } from './ownWrites';
import { appendSessionName } from './sessionWrites';
import type { ParsedSession, SessionEntry } from '../../shared/model/entries';
import type { SessionInfo } from '../../shared/model/sessionInfo';
import type { ExportFormat, ExportReply } from '../../shared/model/export';
import type { SessionEntriesReply, SessionTailReply } from '../../shared/api/commands';
import { EncodedJson } from '../util/encodedJson';

export interface SessionActionDeps {
  index: SessionIndex;
  dirs: () => SessionDir[];
  parse: (file: string) => Promise<ParsedSession>;
  /** Entries appended after a byte offset, and the offset past the last complete line. */
  parseFrom: (file: string, fromOffset: number) => Promise<{ entries: SessionEntry[]; nextOffset: number }>;
  moveToTrash: (file: string) => Promise<{ trashed: boolean }>;
  /** Where our own appends are remembered, so they never make a session look open elsewhere. */
  ownWrites?: OwnSessionWrites;
  forgetUserData: (id: string, file: string) => Promise<void>;
  /** Reads, renders and (with a target) writes the export away from the event loop. */
  exportSessionFile: (job: {
    file: string;
    format: ExportFormat;
    info: SessionInfo | null;
    targetPath?: string;
    encodeJson?: boolean;
  }) => Promise<ExportReply | EncodedJson<ExportReply>>;
}

/** Past this size a session is sent to a viewer in pages rather than whole, and not exported. */
export const maxEntriesBytes = 256 * 1024 * 1024;

/** Commands that read a whole session or change a session file. */
export function createSessionActionCommands(deps: SessionActionDeps) {
  const roots = () => deps.dirs().map((d) => d.path);
  return [
    defineCommand({
      name: 'rename_session',
      scope: 'write',
      summary: 'Give a session a name (appends a session_info entry, as pi does)',
      payload: s.object(
        {
          path: s.string({ min: 1, max: 4096 }),
          // pi cannot clear a name, so an empty one is refused rather than silently ignored.
          name: s.string({ min: 1, max: 500, trim: true }),
        },
        { aliases: { name: ['newName', 'new_name'] } },
      ),
      run: async (p) => {
        if (/[\u0000-\u001f\u007f]/.test(p.name)) throw new ApiError('invalid_payload', 'name: must not contain control characters');
        const file = await resolveSessionFile(p.path, roots());
        const parsed = await deps.parse(file);
        const ids = new Set(parsed.entries.map((e) => e.id));
        // v1 files have no entry ids of their own (ours are made up when reading), so the
        // new entry has no parent there; pi re-links it when it migrates the file.
        const leaf = parsed.header.version >= 2 ? parsed.leafId : null;
        const appended = await appendSessionName(file, p.name, leaf, ids);
        deps.ownWrites?.record(file, appended.left);
        const info = await deps.index.refreshFile(file);
        return { path: file, name: p.name, entry_id: appended.id, session: info ?? null };
      },
    }),
    defineCommand({
      name: 'delete_session',
      scope: 'write',
      summary: 'Move a session file to the trash (deleted for good only where no trash exists)',
      payload: s.object({ path: s.string({ min: 1, max: 4096 }) }),
      run: async (p) => {
        const file = await resolveSessionFile(p.path, roots());
        const info = deps.index.get(file);
        const { trashed } = await deps.moveToTrash(file);
        deps.index.forget(file);
        if (info) await deps.forgetUserData(info.id, file);
        return { path: file, trashed, deleted_permanently: !trashed };
      },
    }),
    defineCommand({
      name: 'export_session',
      scope: 'write',
      summary: 'Export a session as self-contained HTML, Markdown or JSON',
      payload: s.object({
        path: s.string({ min: 1, max: 4096 }),
        format: s.literal('html', 'markdown', 'json'),
        target_path: s.optional(s.string({ min: 1, max: 4096 })),
      }),
      run: async (p, ctx) => {
        const file = await resolveSessionFile(p.path, roots());
        if (p.target_path !== undefined) {
          // Writing to an arbitrary path is an editor feature (a save dialog chose it).
          if (ctx.caller.transport !== 'ui') throw new ApiError('forbidden', 'target_path: only the editor may write exports to a path');
          if (!path.isAbsolute(p.target_path)) throw new ApiError('invalid_payload', 'target_path: must be an absolute path');
        }
        const { size } = await fs.promises.stat(file);
        const mb = Math.round(size / 1048576);
        if (size > maxEntriesBytes) throw new ApiError('too_large', `path: the file is ${mb} MB; sessions over ${maxEntriesBytes / 1048576} MB are not exported`);
        // A reply over the network is encoded in the worker: encoding a big export on the
        // event loop would stall every other client for seconds.
        const encodeJson = p.target_path === undefined && (ctx.caller.transport === 'http' || ctx.caller.transport === 'ws');
        const exported = await deps.exportSessionFile({ file, format: p.format, info: deps.index.get(file) ?? null, targetPath: p.target_path, encodeJson });
        return p.target_path === undefined || exported instanceof EncodedJson ? exported : { ...exported, content: undefined };
      },
    }),
    defineCommand({
      name: 'get_session_entries',
      scope: 'read',
      summary: "A session's parsed entries, whole or after a byte offset (for live follow)",
      payload: s.object({
        path: s.string({ min: 1, max: 4096 }),
        from_offset: s.optional(s.number({ integer: true, min: 0 })),
      }),
      run: async (p): Promise<SessionEntriesReply | SessionTailReply> => {
        const file = await resolveSessionFile(p.path, roots());
        const info = deps.index.get(file) ?? null;
        if (p.from_offset !== undefined) {
          const { entries, nextOffset } = await deps.parseFrom(file, p.from_offset);
          return { info, entries, next_offset: nextOffset };
        }
        const { size } = await fs.promises.lstat(file);
        if (size > maxEntriesBytes) throw new ApiError('too_large', `path: the file is ${Math.round(size / 1048576)} MB; read it with read_session_file in chunks`);
        const parsed = await deps.parse(file);
        return {
          info,
          header: parsed.header,
          entries: parsed.entries,
          leaf_id: parsed.leafId,
          labels: parsed.labels,
          skipped_lines: parsed.skippedLines,
          next_offset: parsed.bytesParsed ?? size,
        };
      },
    }),
  ];
}
