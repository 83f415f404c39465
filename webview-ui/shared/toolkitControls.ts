import type { TextControl, ViewControls } from './sessionView/controls';
import { registerToolkit } from './toolkit';

/**
 * The session view's controls as toolkit components, for the editor's webviews. The text
 * field names itself after its text content (it overwrites an `aria-label` with "Text
 * field" otherwise), so the label is its content, hidden visually by the view's CSS.
 */
export const toolkitControls: ViewControls = {
  textField({ className, label, placeholder }) {
    registerToolkit();
    const field = document.createElement('vscode-text-field');
    field.className = className;
    field.setAttribute('placeholder', placeholder);
    field.setAttribute('spellcheck', 'false');
    field.textContent = label;
    return field as TextControl;
  },
  button({ className, label, title, text }) {
    registerToolkit();
    const button = document.createElement('vscode-button');
    button.className = className;
    button.setAttribute('appearance', 'icon');
    button.setAttribute('aria-label', label);
    button.title = title;
    const symbol = document.createElement('span');
    symbol.setAttribute('aria-hidden', 'true');
    symbol.textContent = text;
    button.append(symbol);
    return button;
  },
};
