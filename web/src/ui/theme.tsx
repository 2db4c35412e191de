// The theme switch: System (follow the OS), Light or Dark. The choice is kept in localStorage and
// applied as <html data-theme>, which tokens.css reads; "system" removes the attribute so
// color-scheme: light dark follows the OS, including when it changes while the page is open.
import { Monitor, Moon, Sun } from 'lucide-react';
import { useEffect, useState } from 'react';
import { ToggleButton, ToggleButtonGroup, type Key } from 'react-aria-components';

export type Theme = 'system' | 'light' | 'dark';
const KEY = 'vigil.theme';

export function storedTheme(): Theme {
  try {
    const value = localStorage.getItem(KEY);
    return value === 'light' || value === 'dark' ? value : 'system';
  } catch {
    return 'system';
  }
}

export function applyTheme(theme: Theme): void {
  if (theme === 'system') delete document.documentElement.dataset.theme;
  else document.documentElement.dataset.theme = theme;
}

const CHOICES = [
  ['system', 'Follow the system', Monitor],
  ['light', 'Light', Sun],
  ['dark', 'Dark', Moon],
] as const;

/** Three small icon toggles; exactly one is on. */
export function ThemeSwitch() {
  const [theme, setTheme] = useState<Theme>(storedTheme);
  useEffect(() => {
    applyTheme(theme);
    try {
      if (theme === 'system') localStorage.removeItem(KEY);
      else localStorage.setItem(KEY, theme);
    } catch {
      // A browser that refuses storage still switches for this page.
    }
  }, [theme]);
  return (
    <ToggleButtonGroup
      className="ui-theme-switch"
      aria-label="Colour theme"
      selectionMode="single"
      disallowEmptySelection
      selectedKeys={[theme]}
      onSelectionChange={(keys: Set<Key>) => {
        const [next] = [...keys];
        if (next === 'system' || next === 'light' || next === 'dark') setTheme(next);
      }}
    >
      {CHOICES.map(([id, label, Icon]) => (
        <ToggleButton key={id} id={id} aria-label={label} className="ui-theme-choice">
          <Icon size={15} aria-hidden />
        </ToggleButton>
      ))}
    </ToggleButtonGroup>
  );
}
