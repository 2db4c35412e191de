// Pieces every console screen (dashboards, services, settings) draws the same way.
import type { ReactNode } from 'react';

/** The server's message (ApiError.message) after a failed request; nothing while there is none. */
export function Problem({ error }: { error: Error | null }) {
  if (!error) return null;
  return (
    <p className="error" role="alert">
      {error.message}
    </p>
  );
}

/**
 * A table from its column headings and its rows: the header row is written once here, so each screen
 * only says what its columns are called (a `false` heading is a column left out, e.g. for a viewer).
 */
export function Table({
  columns,
  className,
  children,
}: {
  columns: Array<ReactNode | false>;
  className?: string;
  children: ReactNode;
}) {
  return (
    <table className={className}>
      <thead>
        <tr>
          {columns
            .filter((c) => c !== false)
            .map((c, i) => (
              <th scope="col" key={i}>
                {c}
              </th>
            ))}
        </tr>
      </thead>
      <tbody>{children}</tbody>
    </table>
  );
}
