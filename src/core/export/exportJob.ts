import type { ApiErrorCode } from '../../shared/api/errors';
import type { SessionInfo } from '../../shared/model/sessionInfo';
import type { ExportFormat } from '../../shared/model/export';

/** What the export worker is asked to do: one session file, one format. */
export interface ExportJob {
  file: string;
  format: ExportFormat;
  info: SessionInfo | null;
  /** Write the export here instead of sending it back (the editor's save dialog chose it). */
  targetPath?: string;
  /**
   * Send the whole result back as JSON bytes, for a reply over the network: the worker then
   * does the encoding too, and the bytes move to the server thread without a copy.
   */
  encodeJson?: boolean;
}

export type ExportJobReply =
  | {
      ok: true;
      format: ExportFormat;
      filename: string;
      mime_type: string;
      /**
       * Absent when written to a file. Sent as a string: cloning one is a copy, while
       * decoding UTF-8 bytes here would cost the event loop about as much as rendering.
       */
      content?: string;
      written_to?: string;
      /** With `encodeJson`: `{format, filename, mime_type, content}` as UTF-8 JSON. */
      json?: ArrayBuffer;
    }
  | { ok: false; code?: ApiErrorCode; message: string };
