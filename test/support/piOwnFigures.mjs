// Prints, as JSON, what pi 1.6 itself reports for every session file below a sessions folder:
// `SessionManager.listAll()`, `SessionManager.open()`, `buildSessionContext()`, the session
// statistics of `AgentSession.getSessionStats()` and `getUsageCostBreakdown()` — pi's own code,
// not a copy of its rules. Run with the Node 22 pi 1.6 needs:
//   node22 test/support/piOwnFigures.mjs <pi-coding-agent package dir> <sessions dir>
// pi may write to a file it opens (it appends a missing final newline), so callers pass a copy.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';

const [packageDir, sessionsDir] = process.argv.slice(2);
if (!packageDir || !sessionsDir) {
  process.stderr.write('usage: piOwnFigures.mjs <pi-coding-agent package dir> <sessions dir>\n');
  process.exit(2);
}
const load = (rel) => import(pathToFileURL(path.join(packageDir, 'dist', rel)).href);
const { SessionManager, buildSessionContext } = await load('core/session-manager.js');
const { AgentSession } = await load('core/agent-session.js');
const { getUsageCostBreakdown } = await load('core/usage-totals.js');

// pi's default layout has one folder per cwd; listAll(folder) lists one such folder.
const listed = [];
for (const sub of fs.readdirSync(sessionsDir).sort()) {
  const dir = path.join(sessionsDir, sub);
  if (fs.statSync(dir).isDirectory()) listed.push(...(await SessionManager.listAll(dir)));
}
const out = [];
for (const info of listed) {
  const manager = SessionManager.open(info.path, sessionsDir);
  const entries = manager.getEntries();
  // getSessionStats reads only the session manager (and the live model for context usage, absent here).
  const stats = AgentSession.prototype.getSessionStats.call({
    sessionManager: manager,
    sessionFile: info.path,
    sessionId: manager.getSessionId(),
    getContextUsage: () => undefined,
  });
  const context = buildSessionContext(entries, manager.getLeafId());
  out.push({
    file: path.relative(sessionsDir, info.path),
    list: {
      id: info.id,
      cwd: info.cwd,
      name: info.name ?? null,
      parentSessionPath: info.parentSessionPath ?? null,
      created: new Date(info.created).toISOString(),
      modified: new Date(info.modified).toISOString(),
      messageCount: info.messageCount,
      firstMessage: info.firstMessage,
    },
    open: { sessionId: manager.getSessionId(), sessionName: manager.getSessionName() ?? null, entries: entries.length, leafId: manager.getLeafId(), activeBranchLength: manager.getBranch().length },
    context: { messages: context.messages.length, thinkingLevel: context.thinkingLevel },
    sessionStats: {
      userMessages: stats.userMessages,
      assistantMessages: stats.assistantMessages,
      toolCalls: stats.toolCalls,
      toolResults: stats.toolResults,
      totalMessages: stats.totalMessages,
      tokens: stats.tokens,
      cost: stats.cost,
    },
    costByModel: getUsageCostBreakdown(entries),
  });
}
process.stdout.write(JSON.stringify(out));
