/** The logging surface the apps depend on; the launcher decides where lines go. */
export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

function format(level: string, name: string, message: string, fields?: Record<string, unknown>): string {
  const extra = fields
    ? Object.entries(fields)
        .map(([k, v]) => `${k}=${v instanceof Error ? (v.stack ?? v.message) : JSON.stringify(v)}`)
        .join(' ')
    : '';
  return `${new Date().toISOString()} ${level} [${name}] ${message}${extra ? ` ${extra}` : ''}`;
}

export function createConsoleLogger(name: string, options: { quiet?: boolean } = {}): Logger {
  return {
    info: (m, f) => {
      if (!options.quiet) console.log(format('info', name, m, f));
    },
    warn: (m, f) => console.warn(format('warn', name, m, f)),
    error: (m, f) => console.error(format('error', name, m, f)),
  };
}

export const silentLogger: Logger = { info() {}, warn() {}, error() {} };
