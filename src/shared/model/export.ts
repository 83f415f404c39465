export type ExportFormat = 'html' | 'markdown' | 'json';

export interface ExportResult {
  format: ExportFormat;
  /** A bare file name (no directories), derived from the session name or id. */
  filename: string;
  mime_type: string;
  content: string;
}
