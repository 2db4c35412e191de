// Toasts: a short confirmation ("Acknowledged INC-…") or failure in the corner, read out by screen
// readers, gone after a few seconds (failures stay until closed). `toast()` works from anywhere;
// <Toasts /> is rendered once by the shell.
import { X } from 'lucide-react';
import {
  Button as AriaButton,
  Text,
  UNSTABLE_Toast as AriaToast,
  UNSTABLE_ToastContent as ToastContent,
  UNSTABLE_ToastQueue as ToastQueue,
  UNSTABLE_ToastRegion as ToastRegion,
} from 'react-aria-components';

interface Message {
  title: string;
  detail?: string;
  tone: 'success' | 'danger' | 'info';
}

const queue = new ToastQueue<Message>({ maxVisibleToasts: 3 });

export function toast(title: string, options: { detail?: string; tone?: Message['tone'] } = {}): void {
  const tone = options.tone ?? 'success';
  queue.add({ title, detail: options.detail, tone }, tone === 'danger' ? {} : { timeout: 5000 });
}

export function Toasts() {
  return (
    <ToastRegion queue={queue} className="ui-toasts">
      {({ toast: item }) => (
        <AriaToast toast={item} className={`ui-toast ui-tone-${item.content.tone}`}>
          <ToastContent className="ui-toast-content">
            <Text slot="title" className="ui-toast-title">
              {item.content.title}
            </Text>
            {item.content.detail && <Text slot="description">{item.content.detail}</Text>}
          </ToastContent>
          <AriaButton slot="close" aria-label="Close" className="ui-button ui-button-ghost ui-button-icon ui-button-sm">
            <X size={14} aria-hidden />
          </AriaButton>
        </AriaToast>
      )}
    </ToastRegion>
  );
}
