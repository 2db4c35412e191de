// A copy button for a block of text on the page. Where the clipboard is refused (an insecure origin,
// a denied permission) it selects the text instead, so Ctrl+C still works, and says so.
import { Check, Copy } from 'lucide-react';
import { useEffect, useState } from 'react';
import { Button } from '../ui/index.ts';

export function CopyButton({ targetId, text, what }: { targetId: string; text: string; what: string }) {
  const [state, setState] = useState<'idle' | 'copied' | 'selected'>('idle');

  useEffect(() => {
    if (state === 'idle') return;
    const timer = setTimeout(() => setState('idle'), 4000);
    return () => clearTimeout(timer);
  }, [state]);

  async function copy() {
    try {
      await navigator.clipboard.writeText(text);
      setState('copied');
    } catch {
      const target = document.getElementById(targetId);
      if (target) window.getSelection()?.selectAllChildren(target);
      setState('selected');
    }
  }

  return (
    <span className="copy">
      <Button
        size="sm"
        icon={state === 'copied' ? Check : Copy}
        onPress={() => void copy()}
        aria-label={`Copy ${what}`}
      >
        {state === 'copied' ? 'Copied' : 'Copy'}
      </Button>
      <span role="status" className="copy-status">
        {state === 'copied'
          ? `${what} copied`
          : state === 'selected'
            ? 'The clipboard is not available here: the text is selected, press Ctrl+C'
            : ''}
      </span>
    </span>
  );
}
