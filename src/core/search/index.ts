/** Full-text search over session messages: see searchIndex.ts for the design. */
export { extractEntryMessages, extractIndexableMessages, maxToolTextLength, type IndexableMessage, type LineSource } from './extract';
export { searchIndexFileName, searchIndexFormatVersion } from './indexFile';
export { maxQueryLength, parseQuery, SearchQueryError, type ParsedQuery, type QueryClause, type SearchQueryErrorCode } from './queryParser';
export { SearchIndex, type SearchIndexOptions } from './searchIndex';
export { isRoleFilter, toSearchQuery, type SearchRequest } from './searchRequest';
export { makeSnippet, type Snippet } from './snippet';
export { tokenize, queryTerms, TokenKind } from './tokenizer';
export type { SearchIndexStats, SearchQuery, SearchResult, SearchSessionMeta } from './types';
