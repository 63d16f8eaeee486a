/**
 * Text from function code (its logs, thrown messages, outputs, a provider's answer) printed to
 * the terminal: control characters are shown, never obeyed, so a function cannot retitle the
 * window, clear the screen, move the cursor over Ferry's own lines or write the clipboard (OSC 52).
 */

// C0 controls except tab and line feed, DEL, C1 controls (U+009B is a one-character CSI), and the
// bidirectional overrides that make text display in another order than it reads.
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

const NAMED: Record<string, string> = { '\r': '\\r', '\u001b': '\\e', '\b': '\\b', '\f': '\\f', '\v': '\\v', '\0': '\\0' };

/** `text` with each control character written out (`\e`, `\r`, `\x07`, `\u202e`); tabs and line breaks kept. */
export function escapeControl(text: string): string {
    // The common case (no control character) costs one test and no copy.
    CONTROL.lastIndex = 0;
    if (!CONTROL.test(text)) return text;
    CONTROL.lastIndex = 0;
    return text.replace(CONTROL, (c) => {
        const named = NAMED[c];
        if (named) return named;
        const code = c.charCodeAt(0);
        return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
    });
}
