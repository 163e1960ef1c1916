// The alternate screen, entered and left once: the dashboard leaves it when it closes, the exit handler only if it is still on.

export const ENTER_ALT_SCREEN = '\x1b[?1049h\x1b[H';
export const LEAVE_ALT_SCREEN = '\x1b[?1049l';
export const SHOW_CURSOR = '\x1b[?25h';

interface Out {
  write(text: string): unknown;
}

/** The stream on the alternate screen now, if any. */
let onAltScreen: Out | null = null;

export function enterAltScreen(out: Out): void {
  if (onAltScreen) return;
  out.write(ENTER_ALT_SCREEN);
  onAltScreen = out;
}

/**
 * Back to the main screen with the cursor shown, if the alternate screen is
 * on; otherwise nothing. Leaving twice is not harmless: the second 1049l
 * restores the cursor saved on entry, so what was printed since (the summary)
 * is written over by whatever comes next.
 */
export function leaveAltScreen(): void {
  const out = onAltScreen;
  if (!out) return;
  onAltScreen = null;
  out.write(LEAVE_ALT_SCREEN + SHOW_CURSOR);
}

export function isOnAltScreen(): boolean {
  return onAltScreen !== null;
}
