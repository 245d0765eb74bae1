/**
 * Minimal leveled logger to stderr. Callers pass ids (stream, session, origin), never a stream key:
 * nothing here can redact a key it does not know is one.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type Logger = (
  level: LogLevel,
  message: string,
  fields?: Record<string, string | number | boolean | null>,
) => void;

const order: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export function createLogger(
  prefix: string,
  min: LogLevel = (process.env.EDGELIVE_ORIGIN_LOG_LEVEL as LogLevel | undefined) ?? 'info',
): Logger {
  return (level, message, fields) => {
    if (order[level] < (order[min] ?? 20)) return;
    const extra = fields
      ? ' ' +
        Object.entries(fields)
          .map(([k, v]) => `${k}=${v}`)
          .join(' ')
      : '';
    process.stderr.write(`${new Date().toISOString()} ${level.toUpperCase()} [${prefix}] ${message}${extra}\n`);
  };
}

export const silentLogger: Logger = () => {};
