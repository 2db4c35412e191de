// The incident list's row menu: every row draws only a light button, and one menu (React Aria's, with
// its keyboard and focus behaviour and the design system's look) opens beside whichever was pressed.
// A full menu trigger in each of the 240 rendered rows cost about four times the rest of a row's
// rendering while scrolling, so the list shares one.
import { Ellipsis } from 'lucide-react';
import { useMemo } from 'react';
import { Menu, Popover, type Key } from 'react-aria-components';
import { menuItems, type MenuAction } from '../ui/index.ts';

/** A row's "Actions for …" button; it says whether its menu is the one open. */
export function RowMenuButton({
  label,
  expanded,
  onOpen,
}: {
  label: string;
  expanded: boolean;
  onOpen(button: HTMLButtonElement): void;
}) {
  return (
    <button
      type="button"
      className="ui-button ui-button-ghost ui-button-sm ui-button-icon il-menu-button"
      aria-label={label}
      aria-haspopup="menu"
      aria-expanded={expanded}
      onClick={(event) => {
        event.stopPropagation();
        onOpen(event.currentTarget);
      }}
    >
      <Ellipsis size={14} aria-hidden />
    </button>
  );
}

/** The open menu, placed at `anchor` (the pressed button); focus goes back to it when the menu closes. */
export function RowMenu({
  anchor,
  label,
  actions,
  onAction,
  onClose,
}: {
  anchor: HTMLElement;
  label: string;
  actions: readonly MenuAction[];
  onAction(id: string): void;
  onClose(): void;
}) {
  // The popover places itself by a ref to its trigger; here the trigger is whichever button was pressed.
  const triggerRef = useMemo(() => ({ current: anchor }), [anchor]);
  const close = () => {
    onClose();
    if (anchor.isConnected) anchor.focus();
  };
  return (
    <Popover
      className="ui-popover"
      aria-label={label}
      placement="bottom end"
      offset={4}
      triggerRef={triggerRef}
      isOpen
      onOpenChange={(open) => !open && close()}
    >
      <Menu
        className="ui-menu"
        aria-label={label}
        autoFocus="first"
        disabledKeys={actions.filter((a) => a.disabled).map((a) => a.id)}
        onAction={(key: Key) => {
          close();
          onAction(String(key));
        }}
      >
        {menuItems(actions)}
      </Menu>
    </Popover>
  );
}
