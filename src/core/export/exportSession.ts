import type { ParsedSession } from '../sessions/entries';
import type { SessionInfo } from '../sessions/sessionInfo';
import { exportFilename } from './filename';
import { exportHtml, type HtmlExportOptions } from './html';
import { exportJson } from './json';
import { exportMarkdown } from './markdown';

export type ExportFormat = 'html' | 'markdown' | 'json';

export const EXPORT_FORMATS: readonly ExportFormat[] = ['html', 'markdown', 'json'];

export interface ExportResult {
  format: ExportFormat;
  /** A bare file name (no directories), derived from the session name or id. */
  filename: string;
  mime_type: string;
  content: string;
}

const FORMAT_FILES: Record<ExportFormat, { extension: string; mime: string }> = {
  html: { extension: 'html', mime: 'text/html; charset=utf-8' },
  markdown: { extension: 'md', mime: 'text/markdown; charset=utf-8' },
  json: { extension: 'json', mime: 'application/json' },
};

export function isExportFormat(value: unknown): value is ExportFormat {
  return typeof value === 'string' && (EXPORT_FORMATS as readonly string[]).includes(value);
}

export function exportSession(parsed: ParsedSession, format: ExportFormat, info?: SessionInfo | null, options: HtmlExportOptions = {}): ExportResult {
  const file = FORMAT_FILES[format];
  if (!file) throw new Error(`unknown export format: ${String(format)}`);
  const content = format === 'html' ? exportHtml(parsed, info, options) : format === 'markdown' ? exportMarkdown(parsed, info) : exportJson(parsed, info);
  return { format, filename: exportFilename(parsed, file.extension, info), mime_type: file.mime, content };
}
