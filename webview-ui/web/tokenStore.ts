/** Where the browser keeps the API token between visits ("forget me" removes it). */
const key = 'psm.apiToken';

export function loadToken(): string | null {
  try {
    return window.localStorage.getItem(key);
  } catch {
    // Storage can be disabled (private modes); the user then signs in on every visit.
    return null;
  }
}

export function saveToken(token: string): void {
  try {
    window.localStorage.setItem(key, token);
  } catch {
    // Not persisted: the session still works until the tab closes.
  }
}

export function forgetToken(): void {
  try {
    window.localStorage.removeItem(key);
  } catch {
    // Nothing stored, nothing to forget.
  }
}
