export type ExportFormat = 'html' | 'markdown' | 'json';

export interface ExportResult {
  format: ExportFormat;
  /** A bare file name (no directories), derived from the session name or id. */
  filename: string;
  mime_type: string;
  content: string;
}

/** What `export_session` answers: the content, or where the editor had it written. */
export interface ExportReply {
  format: ExportFormat;
  filename: string;
  mime_type: string;
  content?: string;
  written_to?: string;
}
