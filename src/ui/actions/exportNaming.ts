import type { ExportFormat } from '../../shared/model/export';

export const exportFormats: Record<ExportFormat, { label: string; extension: string }> = {
  html: { label: 'HTML', extension: 'html' },
  markdown: { label: 'Markdown', extension: 'md' },
  json: { label: 'JSON', extension: 'json' },
};

/** A file name from the session's name (or first message): lower case, dashes, no odd characters. */
export function exportFileName(info: { name: string | null; first_message: string; id: string }, format: ExportFormat): string {
  const base = (info.name?.trim() || info.first_message || '')
    .toLowerCase()
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .replace(/[^\p{L}\p{N}]+/gu, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/, '');
  const stem = base || `session-${info.id.slice(0, 8) || 'export'}`;
  return `${stem}.${exportFormats[format].extension}`;
}
