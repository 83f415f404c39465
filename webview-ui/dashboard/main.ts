import '../shared/pageL10n';
import './dashboard.css';
import { VscodeBridge } from '../shared/vscodeBridge';
import { registerToolkit } from '../shared/toolkit';
import { Dashboard } from './dashboard';
import { filtersFrom } from './range';
import { watchTheme } from './theme';

/**
 * Counts Content-Security-Policy violations in a body attribute, so a test (or a curious
 * user in the developer tools) can see that the page runs under its policy untouched.
 */
function countCspViolations(): void {
  let count = 0;
  document.body.dataset.cspViolations = '0';
  document.addEventListener('securitypolicyviolation', (event) => {
    count++;
    document.body.dataset.cspViolations = String(count);
    document.body.dataset.lastCspViolation = `${event.effectiveDirective} ${event.blockedURI}`.trim();
    console.error(`CSP violation: ${event.effectiveDirective} blocked ${event.blockedURI || 'inline content'}`);
  });
}

/** The state the host embedded in the page (what the serializer got back after a reload). */
function embeddedState(): unknown {
  const text = document.getElementById('initial-state')?.textContent;
  if (!text) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    // The host writes this JSON itself; if it is unreadable the page starts with defaults.
    return null;
  }
}

document.body.dataset.page = 'dashboard';
countCspViolations();
registerToolkit();
const bridge = new VscodeBridge();
const saved = (bridge.savedState() ?? embeddedState()) as { filters?: unknown } | null;
const dashboard = new Dashboard(document.getElementById('app') ?? document.body, {
  bridge,
  filters: filtersFrom(saved?.filters),
  saveFilters: (filters) => bridge.saveState({ filters }),
  tzOffsetMinutes: -new Date().getTimezoneOffset(),
});
watchTheme(() => dashboard.redraw());
// Listeners are in place; the host may now send the events it held back.
bridge.ready();
void dashboard.load();
