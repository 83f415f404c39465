import * as fs from 'node:fs';
import * as path from 'node:path';
import { callApi } from './httpClient';
import type { CommandDescription, ListCommandsReply } from '../../src/shared/api/commands';

const seedReference = path.resolve(__dirname, '../../../shared/seed/api-reference.txt');

/** The router's own table, as a running server describes it: every command and alias. */
export async function serverCommandNames(target: { host: string; port: number }, headers: Record<string, string> = {}): Promise<CommandDescription[]> {
  const { envelope } = await callApi<ListCommandsReply>(target, 'list_commands', {}, headers);
  if (!envelope.success || !Array.isArray(envelope.data?.commands)) throw new Error(`list_commands failed: ${envelope.error}`);
  return envelope.data.commands;
}

export function allNames(commands: readonly CommandDescription[]): string[] {
  return commands.flatMap((c) => [c.name, ...c.aliases]).sort();
}

/** Command names in the seed API reference's table; empty when that file is absent. */
export function seedCommandNames(): string[] {
  if (!fs.existsSync(seedReference)) return [];
  const text = fs.readFileSync(seedReference, 'utf8');
  const names = new Set([...text.matchAll(/\b([a-z]+(?:_[a-z]+)+)\{/g)].map((m) => m[1]!));
  for (const single of ['search', 'ping']) if (new RegExp(`\\b${single}\\{`).test(text)) names.add(single);
  return [...names].sort();
}
