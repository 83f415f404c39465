/** How close to the end counts as "at the end" (rounding, a partly visible last line). */
const bottomSlack = 48;

/**
 * Auto-scroll for live follow: new entries keep the view at the end only while the reader
 * is there. Scrolling up pauses it; the "latest" button or scrolling back down resumes it.
 */
export class FollowScroll {
  private atEnd = true;
  private readonly onScroll = () => this.measure();

  constructor(
    private readonly scroller: HTMLElement,
    private readonly latestButton: HTMLButtonElement,
  ) {
    scroller.addEventListener('scroll', this.onScroll, { passive: true });
    latestButton.addEventListener('click', () => this.scrollToEnd());
  }

  /** Whether appended content should scroll into view; read before appending. */
  get following(): boolean {
    return this.atEnd;
  }

  /** After content was appended: follow it, or offer the button. */
  contentAppended(wasFollowing: boolean): void {
    if (wasFollowing) this.scrollToEnd();
    else this.latestButton.hidden = false;
  }

  scrollToEnd(): void {
    this.scroller.scrollTop = this.scroller.scrollHeight;
    this.atEnd = true;
    this.latestButton.hidden = true;
  }

  dispose(): void {
    this.scroller.removeEventListener('scroll', this.onScroll);
  }

  /** Rereads the position; the reader starts at the top and follows once at the end. */
  measure(): void {
    const s = this.scroller;
    this.atEnd = s.scrollHeight - s.scrollTop - s.clientHeight <= bottomSlack;
    if (this.atEnd) this.latestButton.hidden = true;
  }
}
