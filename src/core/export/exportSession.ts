import type { ParsedSession } from '../../shared/model/entries';
import type { SessionInfo } from '../../shared/model/sessionInfo';
import { exportFilename } from './filename';
import { exportHtml, type HtmlExportOptions } from './html';
import { exportJson } from './json';
import { exportMarkdown } from './markdown';
import type { ExportFormat, ExportResult } from '../../shared/model/export';

export const EXPORT_FORMATS: readonly ExportFormat[] = ['html', 'markdown', 'json'];

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
