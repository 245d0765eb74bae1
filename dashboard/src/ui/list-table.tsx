import type { ReactNode } from 'react';
import { type QueryLike, QueryView } from './states';

export interface Column<T> {
  header: string;
  cell: (row: T) => ReactNode;
}

/**
 * A page of a list endpoint as a table: loading and error through QueryView, `empty` when the
 * page has no rows, else one row per item with an optional last column of actions (its header
 * hidden but read out). Every resource list in the console has this shape.
 */
export function ListTable<T>({
  query,
  label,
  columns,
  rowKey,
  actions,
  empty,
}: {
  query: QueryLike<{ data: T[] }>;
  /** The table's accessible name (tests and screen readers find it by this). */
  label?: string;
  columns: readonly Column<T>[];
  rowKey: (row: T) => string;
  actions?: (row: T) => ReactNode;
  empty: ReactNode;
}) {
  return (
    <QueryView query={query}>
      {(page) =>
        page.data.length === 0 ? (
          empty
        ) : (
          <div className="table-wrap">
            <table aria-label={label}>
              <thead>
                <tr>
                  {columns.map((c) => (
                    <th key={c.header}>{c.header}</th>
                  ))}
                  {actions && (
                    <th>
                      <span className="visually-hidden">Actions</span>
                    </th>
                  )}
                </tr>
              </thead>
              <tbody>
                {page.data.map((row) => (
                  <tr key={rowKey(row)}>
                    {columns.map((c) => (
                      <td key={c.header}>{c.cell(row)}</td>
                    ))}
                    {actions && <td>{actions(row)}</td>}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )
      }
    </QueryView>
  );
}
