import type { ParsedSession } from '../../shared/model/entries';
import type { SessionInfo } from '../../shared/model/sessionInfo';
import { buildTree } from '../../shared/render/tree';

/** The JSON export: every entry of every branch, as read, plus the derived tree facts. */
export interface SessionJsonExport {
  header: ParsedSession['header'];
  entries: ParsedSession['entries'];
  leaf_id: string | null;
  /** Entry ids from the root to the leaf. */
  current_branch: string[];
  /** Resolved labels: target entry id → label. */
  labels: Record<string, string>;
  skipped_lines: number;
  session_info: SessionInfo | null;
}

export function buildJsonExport(parsed: ParsedSession, info?: SessionInfo | null): SessionJsonExport {
  return {
    header: parsed.header,
    entries: parsed.entries,
    leaf_id: parsed.leafId,
    current_branch: buildTree(parsed).currentBranchIds,
    labels: parsed.labels ?? {},
    skipped_lines: parsed.skippedLines ?? 0,
    session_info: info ?? null,
  };
}

export function exportJson(parsed: ParsedSession, info?: SessionInfo | null): string {
  return `${JSON.stringify(buildJsonExport(parsed, info), null, 2)}\n`;
}
