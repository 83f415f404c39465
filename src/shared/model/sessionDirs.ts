export type SessionDirSource = 'env' | 'pi-settings' | 'pi-default' | 'user' | 'launch';

export interface SessionDir {
  path: string;
  source: SessionDirSource;
  exists: boolean;
}
