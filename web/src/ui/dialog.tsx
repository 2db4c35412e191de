// Dialogs: a modal with a heading, its content and a row of buttons. `ConfirmDialog` asks before a
// change that matters (severity, phase, revoking a token) and says what will happen.
import { X } from 'lucide-react';
import type { ReactNode } from 'react';
import { Dialog as AriaDialog, Heading, Modal, ModalOverlay } from 'react-aria-components';
import { Button, IconButton } from './button.tsx';

export function Dialog({
  isOpen,
  onClose,
  title,
  children,
  footer,
}: {
  isOpen: boolean;
  onClose: () => void;
  title: string;
  children: ReactNode;
  footer?: ReactNode;
}) {
  return (
    <ModalOverlay
      className="ui-overlay"
      isOpen={isOpen}
      isDismissable
      onOpenChange={(open) => {
        if (!open) onClose();
      }}
    >
      <Modal className="ui-modal">
        <AriaDialog className="ui-dialog">
          <header className="ui-dialog-header">
            <Heading slot="title" className="ui-dialog-title">
              {title}
            </Heading>
            <IconButton icon={X} label="Close" size="sm" onPress={onClose} />
          </header>
          <div className="ui-dialog-body">{children}</div>
          {footer && <footer className="ui-dialog-footer">{footer}</footer>}
        </AriaDialog>
      </Modal>
    </ModalOverlay>
  );
}

export function ConfirmDialog({
  isOpen,
  onCancel,
  onConfirm,
  title,
  children,
  confirmLabel,
  danger = false,
  pending = false,
}: {
  isOpen: boolean;
  onCancel: () => void;
  onConfirm: () => void;
  title: string;
  children: ReactNode;
  confirmLabel: string;
  danger?: boolean;
  pending?: boolean;
}) {
  return (
    <Dialog
      isOpen={isOpen}
      onClose={onCancel}
      title={title}
      footer={
        <>
          <Button onPress={onCancel}>Cancel</Button>
          <Button variant={danger ? 'danger' : 'primary'} onPress={onConfirm} isDisabled={pending} autoFocus>
            {confirmLabel}
          </Button>
        </>
      }
    >
      {children}
    </Dialog>
  );
}
