/**
 * The few controls the session view builds itself (the find bar's field and buttons), made
 * by the host: plain elements in a browser, the webview UI toolkit's in the editor, where
 * they follow the VS Code theme. Both expose what the view uses: value, focus, select.
 */
export interface TextControl extends HTMLElement {
  value: string;
  select(): void;
}

export interface TextFieldOptions {
  className: string;
  /** The accessible name (and, for the toolkit's field, its visually hidden label). */
  label: string;
  placeholder: string;
}

export interface ButtonOptions {
  className: string;
  label: string;
  title: string;
  /** What the button shows: a symbol, its name being `label`. */
  text: string;
}

export interface ViewControls {
  textField(options: TextFieldOptions): TextControl;
  button(options: ButtonOptions): HTMLElement;
}

export const plainControls: ViewControls = {
  textField({ className, label, placeholder }) {
    const input = document.createElement('input');
    input.type = 'search';
    input.className = className;
    input.placeholder = placeholder;
    input.spellcheck = false;
    input.setAttribute('aria-label', label);
    return input;
  },
  button({ className, label, title, text }) {
    const button = document.createElement('button');
    button.type = 'button';
    button.className = className;
    button.title = title;
    button.setAttribute('aria-label', label);
    button.textContent = text;
    return button;
  },
};
