// Vigil's design system: tokens (tokens.css), component styles (ui.css) and the components every
// screen builds with. It sits under shared/ and the screens and imports neither. /design shows it all.
import './tokens.css';
import './ui.css';

export {
  Badge,
  SEVERITY_LABEL,
  SeverityBadge,
  StatusBadge,
  type SeverityLevel,
  type StatusWord,
  type Tone,
} from './badge.tsx';
export { Button, ButtonLink, IconButton, type ButtonProps, type Variant } from './button.tsx';
export { Chip, type ChipProps } from './chip.tsx';
export { DateTimeField } from './date-time.tsx';
export { DateRangeField, type DayRange } from './date-range.tsx';
export { ConfirmDialog, Dialog } from './dialog.tsx';
export { EmptyState, Skeleton } from './empty-state.tsx';
export { ActionMenu, menuItems, type MenuAction } from './menu.tsx';
export { ComboBox, Select, type Option, type SelectProps } from './select.tsx';
export { DataTable, type Column } from './table.tsx';
export { Tabs, type TabItem } from './tabs.tsx';
export { applyTheme, storedTheme, ThemeSwitch, type Theme } from './theme.tsx';
export { toast, Toasts } from './toast.tsx';
export { absolute, ago, clockTime, count, zoneName } from './words.ts';
export { Details } from './details.tsx';
