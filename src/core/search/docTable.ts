import { GrowableArray, StringArena, f64, i32, u32, u8 } from './compactArrays';
import type { IndexableMessage } from './extract';
import type { IndexFileData } from './indexFile';
import type { SearchRole } from '../../shared/model/search';
import type { SearchSessionMeta } from './types';
import type { DocFacts } from './segment';

export const roleCodes: Record<SearchRole, number> = { user: 0, assistant: 1, tool: 2 };
export const roleNames: readonly SearchRole[] = ['user', 'assistant', 'tool'];
export const flagTruncated = 1;
const noSource = -1;

export interface SessionRecord extends SearchSessionMeta {
  docCount: number;
  tokenCount: number;
}

/**
 * Per-document columns, one typed array each (no per-document JS objects): what scoring,
 * filtering and hit building read by doc id. Doc ids are positions in these arrays.
 */
export class DocTable {
  session = new GrowableArray(u32, 4096);
  role = new GrowableArray(u8, 4096);
  flags = new GrowableArray(u8, 4096);
  time = new GrowableArray(f64, 4096);
  length = new GrowableArray(u32, 4096);
  sourceOffset = new GrowableArray(f64, 4096);
  sourceLength = new GrowableArray(u32, 4096);
  /** Index into `texts` of a stored copy, or -1 when the text is re-read from the file. */
  text = new GrowableArray(i32, 4096);
  entryIds = new StringArena();
  texts = new StringArena();

  get count(): number {
    return this.session.length;
  }

  /** Reserves the next doc id for a document of `session`; `finish` records the rest. */
  begin(session: number): number {
    return this.session.push(session);
  }

  finish(doc: IndexableMessage, tokens: number): void {
    this.role.push(roleCodes[doc.role]);
    this.flags.push(doc.truncated ? flagTruncated : 0);
    this.time.push(doc.timestamp_ms);
    this.length.push(tokens);
    this.sourceOffset.push(doc.source ? doc.source.offset : noSource);
    this.sourceLength.push(doc.source ? doc.source.length : 0);
    this.text.push(doc.source ? -1 : this.texts.add(doc.text));
    this.entryIds.add(doc.entry_id);
  }

  /** Appends document `doc` of `from` as a document of `session`; returns its new id. */
  copyFrom(from: DocTable, doc: number, session: number): number {
    const id = this.session.push(session);
    this.role.push(from.role.get(doc));
    this.flags.push(from.flags.get(doc));
    this.time.push(from.time.get(doc));
    this.length.push(from.length.get(doc));
    this.sourceOffset.push(from.sourceOffset.get(doc));
    this.sourceLength.push(from.sourceLength.get(doc));
    const text = from.text.get(doc);
    this.text.push(text < 0 ? -1 : this.texts.copyFrom(from.texts, text));
    this.entryIds.copyFrom(from.entryIds, doc);
    return id;
  }

  /**
   * What segment building needs: the columns (views, invalid after the next document is
   * added) and the average length the block bounds are computed at.
   */
  facts(averageLength: number): DocFacts {
    return { session: this.session.view(), length: this.length.view(), averageLength };
  }

  static fromFile(data: IndexFileData): DocTable {
    const table = new DocTable();
    const d = data.docs;
    table.session = GrowableArray.from(u32, d.session);
    table.role = GrowableArray.from(u8, d.role);
    table.flags = GrowableArray.from(u8, d.flags);
    table.time = GrowableArray.from(f64, d.time);
    table.length = GrowableArray.from(u32, d.length);
    table.sourceOffset = GrowableArray.from(f64, d.sourceOffset);
    table.sourceLength = GrowableArray.from(u32, d.sourceLength);
    table.text = GrowableArray.from(i32, d.text);
    table.entryIds = new StringArena(data.entryIds.bytes, data.entryIds.ends);
    table.texts = new StringArena(data.texts.bytes, data.texts.ends);
    return table;
  }

  toFile(): Pick<IndexFileData, 'docs' | 'entryIds' | 'texts'> {
    return {
      docs: {
        session: this.session.view(),
        role: this.role.view(),
        flags: this.flags.view(),
        time: this.time.view(),
        length: this.length.view(),
        sourceOffset: this.sourceOffset.view(),
        sourceLength: this.sourceLength.view(),
        text: this.text.view(),
      },
      entryIds: { bytes: this.entryIds.bytes.view(), ends: this.entryIds.ends.view() },
      texts: { bytes: this.texts.bytes.view(), ends: this.texts.ends.view() },
    };
  }

  /** Approximate bytes held, for stats. */
  get byteSize(): number {
    return this.count * 35 + this.entryIds.bytes.length;
  }
}
