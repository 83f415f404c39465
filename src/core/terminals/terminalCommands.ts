import { s } from '../api/schema';
import { defineCommand, type Caller } from '../api/types';
import { ApiError } from '../../shared/api/errors';
import type { TerminalManager } from './terminalManager';

const terminalId = s.string({ min: 1, max: 100 });
const cols = s.number({ integer: true, min: 2, max: 1000 });
const rows = s.number({ integer: true, min: 1, max: 1000 });

/** create_terminal (alias terminal_create), terminal_write, terminal_resize, terminal_close. */
export function createTerminalCommands(terminals: TerminalManager) {
  return [
    defineCommand({
      name: 'create_terminal',
      aliases: ['terminal_create'],
      scope: 'terminal',
      summary: "Open a shell in a folder; output arrives as terminal-output to this client only",
      payload: s.object({ cwd: s.string({ min: 1, max: 4096 }), cols: s.optional(cols), rows: s.optional(rows) }),
      run: ({ cwd, cols: c, rows: r }, ctx) => {
        // An HTTP caller lives for one request: nobody could read the output, write to the
        // shell or close it afterwards, so it would run on unowned until it idled out.
        if (ctx.caller.transport === 'http' || ctx.caller.transport === 'cli') {
          throw new ApiError('invalid_request', 'create_terminal needs a WebSocket connection (/ws): a terminal belongs to the connection that opens it and sends its output there');
        }
        return terminals.create({
          ownerId: ctx.caller.id,
          principal: principalOf(ctx.caller),
          cwd,
          cols: c,
          rows: r,
          emit: (name, payload) => ctx.emitToCaller(name, payload),
        });
      },
    }),
    defineCommand({
      name: 'terminal_write',
      scope: 'terminal',
      summary: 'Type into a terminal',
      payload: s.object({ id: terminalId, data: s.string({ max: 1024 * 1024 }) }),
      run: ({ id, data }, ctx) => {
        terminals.write(ctx.caller.id, id, data);
        return { ok: true };
      },
    }),
    defineCommand({
      name: 'terminal_resize',
      scope: 'terminal',
      summary: 'Change the size of a terminal',
      payload: s.object({ id: terminalId, cols, rows }),
      run: ({ id, cols: c, rows: r }, ctx) => {
        terminals.resize(ctx.caller.id, id, c, r);
        return { ok: true };
      },
    }),
    defineCommand({
      name: 'terminal_close',
      scope: 'terminal',
      summary: 'Close a terminal and end its shell',
      payload: s.object({ id: terminalId }),
      run: async ({ id }, ctx) => {
        await terminals.close(ctx.caller.id, id);
        return { ok: true };
      },
    }),
  ];
}

/** Who a terminal counts against for the per-owner cap: a token, or the local user. */
function principalOf(caller: Caller): string {
  return caller.tokenId !== undefined ? `token:${caller.tokenId}` : caller.isLocal ? 'local' : `caller:${caller.id}`;
}
