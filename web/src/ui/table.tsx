// Tables: columns declared once, a sticky header, and under 600 px each row becomes a stacked card
// whose cells are labelled by their column (CSS reads data-label). The table scrolls sideways inside
// its own focusable region when it must, never the page.
import type { ReactNode } from 'react';

export interface Column<T> {
  id: string;
  header: ReactNode;
  cell: (row: T) => ReactNode;
  /** The cell's label in the stacked-card view; the header when it is a string. */
  label?: string;
  /** 'primary' cells lead the card (title-like); 'end' cells align right (numbers, actions). */
  role?: 'primary' | 'end';
  className?: string;
}

export function DataTable<T>({
  label,
  columns,
  rows,
  rowKey,
  empty,
  rowClassName,
  caption,
}: {
  label: string;
  columns: ReadonlyArray<Column<T> | false>;
  rows: readonly T[];
  rowKey: (row: T) => string;
  empty?: ReactNode;
  rowClassName?: (row: T) => string | undefined;
  caption?: ReactNode;
}) {
  const shown = columns.filter((c): c is Column<T> => c !== false);
  if (rows.length === 0 && empty) return <>{empty}</>;
  return (
    <div className="ui-table-wrap" role="region" aria-label={label} tabIndex={0}>
      <table className="ui-table ui-table-cards">
        {caption && <caption className="ui-visually-hidden">{caption}</caption>}
        <thead>
          <tr>
            {shown.map((c) => (
              <th key={c.id} scope="col" className={c.role === 'end' ? 'ui-end' : undefined}>
                {c.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={rowKey(row)} className={rowClassName?.(row)}>
              {shown.map((c) => (
                <td
                  key={c.id}
                  data-label={c.label ?? (typeof c.header === 'string' ? c.header : '')}
                  className={[c.role === 'primary' && 'ui-primary-cell', c.role === 'end' && 'ui-end', c.className]
                    .filter(Boolean)
                    .join(' ')}
                >
                  {c.cell(row)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
