/** Command ids, view ids and setting keys: declared once, matching package.json. */
export const CommandId = {
  refresh: 'piSessions.refresh',
  search: 'piSessions.search',
  filter: 'piSessions.filter',
  clearFilter: 'piSessions.clearFilter',
  openDashboard: 'piSessions.openDashboard',
  addSessionFolder: 'piSessions.addSessionFolder',
  openSession: 'piSessions.openSession',
  rename: 'piSessions.rename',
  delete: 'piSessions.delete',
  toggleFavorite: 'piSessions.toggleFavorite',
  addTag: 'piSessions.addTag',
  removeTag: 'piSessions.removeTag',
  exportHtml: 'piSessions.exportHtml',
  exportMarkdown: 'piSessions.exportMarkdown',
  exportJson: 'piSessions.exportJson',
  resumeInTerminal: 'piSessions.resumeInTerminal',
  copyPath: 'piSessions.copyPath',
  copyId: 'piSessions.copyId',
  copyResumeCommand: 'piSessions.copyResumeCommand',
  revealFile: 'piSessions.revealFile',
  openRawJsonl: 'piSessions.openRawJsonl',
  serverMenu: 'piSessions.serverMenu',
  startServer: 'piSessions.startServer',
  stopServer: 'piSessions.stopServer',
  copyApiUrl: 'piSessions.copyApiUrl',
  createToken: 'piSessions.createToken',
  openWebClient: 'piSessions.openWebClient',
  showQrCode: 'piSessions.showQrCode',
  showLog: 'piSessions.showLog',
  connectPi: 'piSessions.connectPi',
  disconnectPi: 'piSessions.disconnectPi',
  showSessionFolders: 'piSessions.showSessionFolders',
  openDemoSessions: 'piSessions.openDemoSessions',
  closeDemoSessions: 'piSessions.closeDemoSessions',
  sendPrompt: 'piSessions.sendPrompt',
} as const;
export type CommandId = (typeof CommandId)[keyof typeof CommandId];

export const ViewId = {
  container: 'piSessions',
  sessions: 'piSessions.sessions',
  /** The generated demo store, shown while "Open Demo Sessions" runs. */
  demo: 'piSessions.demo',
} as const;

/** Webview panel types; a serializer registered under each brings its panel back after a reload. */
export const WebviewType = {
  dashboard: 'piSessions.dashboard',
  viewer: 'piSessions.viewer',
} as const;

export const SettingKey = {
  section: 'piSessions',
  serverEnabled: 'server.enabled',
  serverPort: 'server.port',
  serverHost: 'server.host',
  requireTokenOnLoopback: 'server.requireTokenOnLoopback',
  allowedOrigins: 'server.allowedOrigins',
  allowedHosts: 'server.allowedHosts',
  sessionDirectories: 'sessionDirectories',
  agentDir: 'agentDir',
  piCommand: 'piCommand',
} as const;

export const ContextKey = {
  serverRunning: 'piSessions.serverRunning',
  filterActive: 'piSessions.filterActive',
  /** A demo store is being served by this window. */
  demoOpen: 'piSessions.demoOpen',
} as const;
