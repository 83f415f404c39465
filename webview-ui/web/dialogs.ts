import { h } from './dom';
import { l10n } from '../../src/shared/l10n';

interface DialogButton {
  label: string;
  value: string;
  kind?: 'primary' | 'danger';
}

/**
 * A modal `<dialog>`: focus is trapped by the browser, Escape cancels, and it resolves with
 * the value of the button pressed (or of Enter in a field), null when cancelled. The form's
 * submit is always prevented: the page's CSP allows no form submissions at all.
 */
export function openDialog(title: string, body: Node[], buttons: DialogButton[], enterValue?: string): Promise<string | null> {
  return new Promise((resolve) => {
    const actions = h('div', { class: 'dialog-actions' });
    const form = h('form', { class: 'dialog-form' }, h('h2', { class: 'dialog-title' }, title), ...body, actions);
    const dialog = h('dialog', { class: 'dialog', 'aria-label': title }, form);
    let result: string | null = null;
    const finish = (value: string | null) => {
      result = value;
      dialog.close();
    };
    const cancel = h('button', { type: 'button', class: 'button' }, l10n.t('Cancel'));
    cancel.addEventListener('click', () => finish(null));
    actions.append(cancel);
    for (const b of buttons) {
      const button = h('button', { type: 'button', class: `button${b.kind ? ` button-${b.kind}` : ''}`, 'data-value': b.value }, b.label);
      button.addEventListener('click', () => finish(b.value));
      actions.append(button);
    }
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      if (enterValue !== undefined) finish(enterValue);
    });
    dialog.addEventListener('close', () => {
      dialog.remove();
      resolve(result);
    });
    document.body.append(dialog);
    dialog.showModal();
    const first = dialog.querySelector<HTMLElement>('input, select') ?? dialog.querySelector<HTMLElement>('.button-primary, .button-danger');
    first?.focus();
  });
}

export async function askText(title: string, label: string, initial: string, okLabel: string): Promise<string | null> {
  const input = h('input', { type: 'text', class: 'field', value: initial, 'aria-label': label, maxlength: '500', autocomplete: 'off' });
  const answer = await openDialog(title, [h('label', { class: 'dialog-label' }, label, input)], [{ label: okLabel, value: 'ok', kind: 'primary' }], 'ok');
  if (answer !== 'ok') return null;
  return input.value.trim();
}

export async function confirmAction(title: string, message: string, okLabel: string): Promise<boolean> {
  return (await openDialog(title, [h('p', {}, message)], [{ label: okLabel, value: 'ok', kind: 'danger' }])) === 'ok';
}
