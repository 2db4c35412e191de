// A compact menu of actions behind one button ("More actions" by default): row actions in tables,
// the secondary actions of an incident. Each item is { id, label, icon?, danger?, disabled? }.
import { Ellipsis, type LucideIcon } from 'lucide-react';
import type { ReactNode } from 'react';
import { Menu as AriaMenu, MenuItem, MenuTrigger, Popover, Separator, type Key } from 'react-aria-components';
import { Button, IconButton } from './button.tsx';

export interface MenuAction {
  id: string;
  label: string;
  icon?: LucideIcon;
  danger?: boolean;
  disabled?: boolean;
  /** Draw a separator above this item. */
  separated?: boolean;
}

export function ActionMenu({
  actions,
  onAction,
  label = 'More actions',
  trigger,
  size = 'md',
}: {
  actions: readonly MenuAction[];
  onAction: (id: string) => void;
  /** The trigger's accessible name (and its text when `trigger` is 'button'). */
  label?: string;
  /** 'icon' (default): an ellipsis icon button; 'button': a labelled secondary button. */
  trigger?: 'icon' | 'button';
  size?: 'md' | 'sm';
}): ReactNode {
  const disabledKeys = actions.filter((a) => a.disabled).map((a) => a.id);
  return (
    <MenuTrigger>
      {trigger === 'button' ? (
        <Button size={size} icon={Ellipsis}>
          {label}
        </Button>
      ) : (
        <IconButton icon={Ellipsis} label={label} size={size} />
      )}
      <Popover className="ui-popover" placement="bottom end" offset={4}>
        <AriaMenu className="ui-menu" disabledKeys={disabledKeys} onAction={(key: Key) => onAction(String(key))}>
          {menuItems(actions)}
        </AriaMenu>
      </Popover>
    </MenuTrigger>
  );
}

/** The items of a menu of `actions` (with their separators), for a menu built around another trigger. */
export function menuItems(actions: readonly MenuAction[]): ReactNode[] {
  return actions.flatMap(({ id, label: text, icon: Icon, danger, separated }) => [
    ...(separated ? [<Separator key={`${id}-sep`} className="ui-menu-separator" />] : []),
    <MenuItem key={id} id={id} textValue={text} className={danger ? 'ui-menu-item ui-danger' : 'ui-menu-item'}>
      {Icon && <Icon size={15} aria-hidden />}
      {text}
    </MenuItem>,
  ]);
}
