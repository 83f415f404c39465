import type {
  AgentMessage,
  ContentBlock,
  ImageBlock,
  MessageEntry,
  SessionEntry,
  TextBlock,
} from '../model/entries';

export function isMessageEntry(entry: SessionEntry): entry is MessageEntry {
  return entry.type === 'message' && typeof entry.message === 'object' && entry.message !== null;
}

export function roleOf(entry: SessionEntry): string | null {
  if (!isMessageEntry(entry)) return null;
  const role = (entry.message as AgentMessage).role;
  return typeof role === 'string' ? role : null;
}

/** Content as a block list: pi stores plain strings for simple user messages. */
export function contentBlocks(content: unknown): ContentBlock[] {
  if (typeof content === 'string') return [{ type: 'text', text: content }];
  if (!Array.isArray(content)) return [];
  return content.filter((b): b is ContentBlock => typeof b === 'object' && b !== null && typeof b.type === 'string');
}

export function isTextBlock(block: ContentBlock): block is TextBlock {
  return block.type === 'text' && typeof block.text === 'string';
}

export function isImageBlock(block: ContentBlock): block is ImageBlock {
  return block.type === 'image';
}

/** The text blocks of some content joined, for titles and summaries. */
export function plainText(content: unknown): string {
  return contentBlocks(content)
    .filter(isTextBlock)
    .map((b) => b.text)
    .join('\n');
}

/*
 * Raster formats only: SVG can carry script and is not needed for screenshots. The data
 * must be plain base64, so nothing can break out of the `data:` URL.
 */
const IMAGE_MIME_TYPES = new Set(['image/png', 'image/jpeg', 'image/jpg', 'image/gif', 'image/webp', 'image/bmp']);
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** A `data:` URL for an image block, or null when its type or data is not acceptable. */
export function imageDataUrl(block: { data?: unknown; mimeType?: unknown }): string | null {
  const mime = typeof block.mimeType === 'string' ? block.mimeType.trim().toLowerCase() : '';
  if (!IMAGE_MIME_TYPES.has(mime)) return null;
  const data = typeof block.data === 'string' ? block.data.replace(/\s+/g, '') : '';
  if (!data || !BASE64.test(data)) return null;
  return `data:${mime};base64,${data}`;
}

/** Approximate decoded size of base64 data, for captions. */
export function base64Bytes(data: unknown): number {
  if (typeof data !== 'string') return 0;
  const clean = data.replace(/\s+/g, '');
  return Math.floor((clean.length * 3) / 4) - (clean.endsWith('==') ? 2 : clean.endsWith('=') ? 1 : 0);
}

/** A class-name-safe form of a type or role name taken from the file. */
export function classToken(value: string): string {
  return value.toLowerCase().replace(/[^a-z0-9_-]/g, '-').slice(0, 40) || 'unknown';
}
