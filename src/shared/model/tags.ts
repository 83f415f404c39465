export interface TagRecord {
  id: number;
  name: string;
  color: string | null;
  parent_id: number | null;
  created_at: string;
}

export interface TagListing extends TagRecord {
  /** Sessions known to the index right now that carry this tag (not counting sub-tags). */
  session_count: number;
  /** Every stored assignment, including sessions whose files are gone. */
  total_assignments: number;
}

export interface TagAssignmentResult {
  session_path: string;
  session_id: string;
  tag_id: number;
  tag_ids: number[];
  /** False when the session already had (or already lacked) the tag. */
  changed: boolean;
}

export interface TagDeleteResult {
  id: number;
  deleted: true;
  /** Former children, now under the deleted tag's parent. */
  reparented: number[];
  /** Children renamed because their name was taken at the new level. */
  renamed: { id: number; name: string }[];
  unassigned_sessions: number;
}

export interface FavoriteState {
  path: string;
  favorite: boolean;
}
