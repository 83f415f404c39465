/** How the integrated terminal's shell wants an argument quoted. */
export type ShellKind = 'posix' | 'powershell' | 'cmd';

export function shellKindOf(shellPath: string | undefined, platform: NodeJS.Platform): ShellKind {
  const name = (shellPath ?? '').split(/[/\\]/).pop()?.toLowerCase() ?? '';
  if (name.startsWith('pwsh') || name.startsWith('powershell')) return 'powershell';
  if (name === 'cmd' || name === 'cmd.exe') return 'cmd';
  if (!name) return platform === 'win32' ? 'powershell' : 'posix';
  return 'posix';
}

/** Quotes one argument so the shell passes it through unchanged (spaces, quotes, `$`, globs). */
export function quoteShellArg(arg: string, shell: ShellKind): string {
  switch (shell) {
    case 'posix':
      return /^[A-Za-z0-9_\-./:@%+=,]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
    case 'powershell':
      return `'${arg.replace(/'/g, "''")}'`;
    case 'cmd':
      // Windows file names cannot contain `"`; `%` would still expand, so it is doubled.
      return `"${arg.replace(/"/g, '').replace(/%/g, '%%')}"`;
  }
}

/**
 * `pi --session <path>`, with the user's pi command taken as typed (it may carry its own
 * arguments, e.g. `npx pi`) and the path quoted for the shell.
 */
export function resumeCommandLine(piCommand: string, sessionPath: string, shell: ShellKind): string {
  const command = piCommand.trim() || 'pi';
  // PowerShell treats a leading quoted string as a value, not a command; `&` runs it.
  const runnable = shell === 'powershell' && /^['"]/.test(command) ? `& ${command}` : command;
  return `${runnable} --session ${quoteShellArg(sessionPath, shell)}`;
}
