import * as vscode from 'vscode';

/** A stored ISO time as the display language writes dates and times (falls back to the text). */
export function localTime(iso: string): string {
  const ms = Date.parse(iso);
  if (!Number.isFinite(ms)) return iso;
  return new Intl.DateTimeFormat(vscode.env.language, { dateStyle: 'medium', timeStyle: 'short' }).format(ms);
}
