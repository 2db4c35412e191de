// Buttons: one look for every action in the console. `variant` says what kind of action it is
// (primary: the one next step on a screen; secondary: everything else; danger: destroys or ends
// something; ghost: quiet actions in toolbars and rows). An icon-only button must be named.
import type { LucideIcon } from 'lucide-react';
import type { ReactNode } from 'react';
import { Button as AriaButton, Link as AriaLink, type ButtonProps as AriaButtonProps } from 'react-aria-components';

export type Variant = 'primary' | 'secondary' | 'danger' | 'ghost';
export type Size = 'md' | 'sm';

export interface ButtonProps extends Omit<AriaButtonProps, 'children' | 'className'> {
  variant?: Variant;
  size?: Size;
  icon?: LucideIcon;
  className?: string;
  children?: ReactNode;
}

const classes = (variant: Variant, size: Size, extra?: string, iconOnly = false) =>
  ['ui-button', `ui-button-${variant}`, size === 'sm' && 'ui-button-sm', iconOnly && 'ui-button-icon', extra]
    .filter(Boolean)
    .join(' ');

export function Button({ variant = 'secondary', size = 'md', icon: Icon, className, children, ...rest }: ButtonProps) {
  return (
    <AriaButton {...rest} className={classes(variant, size, className)}>
      {Icon && <Icon size={size === 'sm' ? 14 : 16} aria-hidden />}
      {children}
    </AriaButton>
  );
}

/** A button with only an icon; `label` is what a screen reader says and the tooltip shows. */
export function IconButton({
  icon: Icon,
  label,
  variant = 'ghost',
  size = 'md',
  className,
  ...rest
}: Omit<ButtonProps, 'children' | 'icon'> & { icon: LucideIcon; label: string }) {
  return (
    <AriaButton {...rest} aria-label={label} className={classes(variant, size, className, true)}>
      <Icon size={size === 'sm' ? 14 : 16} aria-hidden />
    </AriaButton>
  );
}

/**
 * A link that looks like a button (e.g. "Open the incident" in an empty state). With `download` the browser
 * saves what it points at (a report) instead of the console navigating to it; with `newTab` it opens a page
 * the server serves outside the console (the public status page) in a tab of its own.
 */
export function ButtonLink({
  href,
  variant = 'secondary',
  size = 'md',
  icon: Icon,
  download,
  newTab,
  children,
}: {
  href: string;
  variant?: Variant;
  size?: Size;
  icon?: LucideIcon;
  download?: boolean;
  newTab?: boolean;
  children: ReactNode;
}) {
  return (
    <AriaLink
      href={href}
      download={download}
      target={newTab ? '_blank' : undefined}
      rel={newTab ? 'noreferrer' : undefined}
      className={classes(variant, size)}
    >
      {Icon && <Icon size={size === 'sm' ? 14 : 16} aria-hidden />}
      {children}
    </AriaLink>
  );
}
