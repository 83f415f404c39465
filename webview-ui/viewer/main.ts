import '../shared/pageL10n';
import './viewer.css';
import { SessionView, type SessionViewState } from '../shared/sessionView';
import { VscodeBridge } from '../shared/vscodeBridge';
import { toolkitControls } from '../shared/toolkitControls';

/** What the panel starts with: from the host on first open, from VS Code after a reload. */
function isViewerState(value: unknown): value is SessionViewState {
  return typeof value === 'object' && value !== null && typeof (value as { path?: unknown }).path === 'string';
}

function initialState(): unknown {
  const text = document.getElementById('initial-state')?.textContent;
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

// Counted where a test can read it: a page that trips its own CSP renders something wrongly.
const cspReport = document.createElement('div');
cspReport.id = 'csp-violations';
cspReport.hidden = true;
cspReport.dataset.count = '0';
document.body.append(cspReport);
document.addEventListener('securitypolicyviolation', (e) => {
  cspReport.dataset.count = String(Number(cspReport.dataset.count) + 1);
  cspReport.dataset.last = `${e.violatedDirective} ${e.blockedURI}`;
});

const bridge = new VscodeBridge();
const app = document.getElementById('app')!;
const view = new SessionView(app, bridge, {
  onStateChange: (state) => bridge.saveState(state),
  controls: toolkitControls,
});

bridge.onHostMessage((message) => {
  if (message.method === 'find') {
    view.openFind();
    return;
  }
  const { path, entry_id: entryId } = message.params;
  if (path === view.state?.path) {
    if (entryId) view.revealEntry(entryId);
  } else {
    void view.open(path, entryId);
  }
});

// A reloaded page has its own saved place, which is newer than what the host sent at first.
const saved = bridge.savedState();
const restored = isViewerState(saved);
const start = restored ? saved : initialState();
bridge.ready();
// A restored page returns to where the reader was without flashing that entry.
if (isViewerState(start)) void view.open(start.path, start.entryId, { highlight: !restored });
