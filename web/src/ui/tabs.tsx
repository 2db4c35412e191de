// Tabs: a row of labelled tabs over panels. With `hrefs`, each tab is a link (the URL says which tab
// is open, so it can be shared); otherwise the selection is local state.
import type { ReactNode } from 'react';
import { Tab, TabList, TabPanel, Tabs as AriaTabs, type Key } from 'react-aria-components';

export interface TabItem {
  id: string;
  label: ReactNode;
  content: ReactNode;
  href?: string;
}

export function Tabs({
  label,
  items,
  selected,
  onSelect,
}: {
  label: string;
  items: readonly TabItem[];
  selected?: string;
  onSelect?: (id: string) => void;
}) {
  return (
    <AriaTabs
      className="ui-tabs"
      selectedKey={selected}
      onSelectionChange={onSelect ? (key: Key) => onSelect(String(key)) : undefined}
    >
      <TabList aria-label={label} className="ui-tablist">
        {items.map((item) => (
          <Tab key={item.id} id={item.id} href={item.href} className="ui-tab">
            {item.label}
          </Tab>
        ))}
      </TabList>
      {items.map((item) => (
        <TabPanel key={item.id} id={item.id} className="ui-tabpanel">
          {item.content}
        </TabPanel>
      ))}
    </AriaTabs>
  );
}
