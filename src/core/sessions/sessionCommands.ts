import * as fs from 'node:fs';
import * as path from 'node:path';
import { s } from '../api/schema';
import { defineCommand } from '../api/types';
import { ApiError } from '../../shared/api/errors';
import type { SessionIndex } from './sessionIndex';
import type { SessionDir } from '../../shared/model/sessionDirs';
import { resolveSessionFile } from './sessionPathGuard';
import { openSessionFile } from './safeOpen';
import type { SessionInfo } from '../../shared/model/sessionInfo';
import { expandHome } from '../paths';

/** A whole-file read beyond this size must use the chunked form. */
export const maxWholeReadBytes = 64 * 1024 * 1024;
const maxChunkBytes = 16 * 1024 * 1024;

export interface SessionCommandDeps {
  index: SessionIndex;
  dirs: () => SessionDir[];
  userDirs: () => string[];
  saveUserDirs: (dirs: string[]) => Promise<void>;
  homeDir: string;
}

export function createSessionCommands(deps: SessionCommandDeps) {
  const sessionRoots = () => deps.dirs().map((d) => d.path);
  return [
    defineCommand({
      name: 'scan_sessions',
      scope: 'read',
      summary: 'All sessions, newest first',
      payload: s.object({
        cwd: s.optional(s.string({ max: 4096 })),
        query: s.optional(s.string({ max: 1000 })),
        limit: s.optional(s.number({ integer: true, min: 0, max: 100_000 })),
        offset: s.optional(s.number({ integer: true, min: 0 })),
      }),
      run: async (p) => {
        await deps.index.ready();
        let list: SessionInfo[] = deps.index.all();
        if (p.cwd !== undefined) list = list.filter((i) => i.cwd === p.cwd);
        if (p.query) {
          const q = p.query.toLowerCase();
          list = list.filter((i) => [i.name ?? '', i.first_message, i.cwd, i.id].some((f) => f.toLowerCase().includes(q)));
        }
        if (p.offset !== undefined || p.limit !== undefined) {
          const start = p.offset ?? 0;
          list = list.slice(start, p.limit === undefined ? undefined : start + p.limit);
        }
        return list;
      },
    }),
    defineCommand({
      name: 'read_session_file',
      scope: 'read',
      summary: "A session's raw JSONL; with offset/max_bytes, one chunk of it",
      payload: s.object({
        path: s.string({ min: 1, max: 4096 }),
        offset: s.optional(s.number({ integer: true, min: 0 })),
        max_bytes: s.optional(s.number({ integer: true, min: 1, max: maxChunkBytes })),
      }),
      run: async (p) => {
        const file = await resolveSessionFile(p.path, sessionRoots());
        const handle = await openSessionFile(file);
        try {
          if (p.offset === undefined && p.max_bytes === undefined) {
            const { size } = await handle.stat();
            if (size > maxWholeReadBytes) {
              throw new ApiError('too_large', `path: the file is ${Math.round(size / 1048576)} MB; read it in chunks with offset and max_bytes`);
            }
            return await handle.readFile('utf8');
          }
          return await readChunk(handle, p.offset ?? 0, p.max_bytes ?? 1024 * 1024);
        } finally {
          await handle.close();
        }
      },
    }),
    defineCommand({
      name: 'get_all_session_dirs',
      scope: 'read',
      summary: 'Every folder that is scanned for sessions',
      payload: s.object({ detailed: s.optional(s.boolean()) }),
      run: (p) => (p.detailed ? deps.dirs() : deps.dirs().map((d) => d.path)),
    }),
    defineCommand({
      name: 'get_scan_status',
      scope: 'read',
      summary: 'How many files the index holds and how it read them (parsed, tail-read, cached)',
      payload: s.object({}),
      run: () => deps.index.status(),
    }),
    defineCommand({
      name: 'get_session_paths',
      scope: 'read',
      summary: "The user's extra session folders",
      payload: s.object({}),
      run: () => deps.userDirs(),
    }),
    defineCommand({
      name: 'save_session_paths',
      scope: 'admin',
      summary: "Replace the user's extra session folders and rescan",
      payload: s.object({ paths: s.array(s.string({ min: 1, max: 4096, trim: true }), { max: 100 }) }),
      run: async (p) => {
        p.paths.forEach((d, i) => {
          if (!path.isAbsolute(d) && !d.startsWith('~')) throw new ApiError('invalid_payload', `paths[${i}]: must be an absolute path`);
          if (d.includes('\0')) throw new ApiError('invalid_payload', `paths[${i}]: contains a NUL character`);
        });
        const saved = new Set(deps.userDirs());
        for (const [i, d] of p.paths.entries()) await checkSessionFolder(d, `paths[${i}]`, deps.homeDir, saved.has(d));
        const unique = [...new Set(p.paths)];
        await deps.saveUserDirs(unique);
        await deps.index.rescan();
        return { paths: unique, dirs: deps.dirs() };
      },
    }),
  ];
}

/**
 * Every `.jsonl` under a session folder becomes readable through the API, so a folder must
 * be a real, specific one: not the file system root, not the home folder itself. A folder
 * saved before may be missing for now (an unmounted drive); a new one must exist.
 */
async function checkSessionFolder(input: string, field: string, home: string, alreadySaved: boolean): Promise<void> {
  const resolved = path.resolve(expandHome(input, home));
  const real = await fs.promises.realpath(resolved).catch(() => undefined);
  const st = real === undefined ? undefined : await fs.promises.stat(real).catch(() => undefined);
  if (!st?.isDirectory()) {
    if (alreadySaved) return;
    throw new ApiError('invalid_payload', `${field}: ${input} is not an existing folder`);
  }
  const realHome = await fs.promises.realpath(home).catch(() => path.resolve(home));
  for (const p of [resolved, real!]) {
    if (path.parse(p).root === p) throw new ApiError('invalid_payload', `${field}: the file system root cannot be a session folder`);
    if (p === path.resolve(home) || p === realHome) {
      throw new ApiError('invalid_payload', `${field}: the home folder itself cannot be a session folder; choose the folder that holds the sessions`);
    }
  }
}

async function readChunk(handle: fs.promises.FileHandle, offset: number, maxBytes: number): Promise<{ content: string; next_offset: number; eof: boolean; size: number }> {
  const { size } = await handle.stat();
  const buffer = Buffer.alloc(Math.max(0, Math.min(maxBytes, size - offset)));
  const { bytesRead } = buffer.length > 0 ? await handle.read(buffer, 0, buffer.length, offset) : { bytesRead: 0 };
  // Never cut a UTF-8 character in half: stop before an incomplete trailing sequence.
  const end = offset + bytesRead >= size ? bytesRead : utf8SafeEnd(buffer, bytesRead);
  return { content: buffer.subarray(0, end).toString('utf8'), next_offset: offset + end, eof: offset + end >= size, size };
}

function utf8SafeEnd(buf: Buffer, length: number): number {
  let i = length - 1;
  let back = 0;
  while (i >= 0 && back < 4 && (buf[i]! & 0xc0) === 0x80) {
    i--;
    back++;
  }
  if (i < 0) return length;
  const lead = buf[i]!;
  const need = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
  return need > back + 1 ? i : length;
}
