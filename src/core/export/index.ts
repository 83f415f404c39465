export { exportSession, isExportFormat, EXPORT_FORMATS } from './exportSession';
export { exportHtml, type HtmlExportOptions } from './html';
export { exportMarkdown, fence } from './markdown';
export { exportJson, buildJsonExport, type SessionJsonExport } from './json';
export { exportFilename, slugify } from './filename';
