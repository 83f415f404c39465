import * as vscode from 'vscode';
import type { EventBus } from '../core/events';
import type { IDisposable } from '../core/lifecycle';

/**
 * Shows the first full scan in the status bar, fed by `scan-progress`. Later scans are
 * incremental and quick, so once the first one finishes this stops listening.
 */
export class FirstScanProgress implements vscode.Disposable {
  private subscription: IDisposable | undefined;
  private finish: (() => void) | undefined;
  private report: ((done: number, total: number) => void) | undefined;

  constructor(bus: EventBus) {
    this.subscription = bus.on('scan-progress', (e) => {
      if (e.finished) {
        this.end();
        return;
      }
      if (!this.report) this.begin();
      this.report?.(e.done, e.total);
    });
  }

  private begin(): void {
    let last = 0;
    void vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: vscode.l10n.t('Pi Sessions') }, (progress) => {
      this.report = (done, total) => {
        const percent = total > 0 ? Math.floor((done / total) * 100) : 0;
        progress.report({ message: vscode.l10n.t('scanning {0}/{1}', done, total), increment: percent - last });
        last = percent;
      };
      return new Promise<void>((resolve) => (this.finish = resolve));
    });
  }

  private end(): void {
    this.finish?.();
    this.finish = undefined;
    this.report = undefined;
    this.subscription?.dispose();
    this.subscription = undefined;
  }

  dispose(): void {
    this.end();
  }
}
