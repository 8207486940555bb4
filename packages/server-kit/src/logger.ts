import { pino } from 'pino';
import { z } from 'zod';
import { parseEnv } from './env.js';
import { redactSecrets, redactText } from './log-redaction.js';
import { currentRequestId } from './request-context.js';

/** The logging surface the apps depend on; the entry point decides where lines go. */
export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  debug?(message: string, fields?: Record<string, unknown>): void;
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';
export type LogFormat = 'pretty' | 'json';

export interface LogSettings {
  level: LogLevel;
  /** `auto` (the default): pretty when stdout is a terminal, JSON lines otherwise. */
  format: LogFormat | 'auto';
}

const logEnvSchema = z.object({
  LOG_LEVEL: z
    .enum(['debug', 'info', 'warn', 'error', 'silent'], { error: 'must be debug, info, warn, error or silent' })
    .default('info'),
  LOG_FORMAT: z.enum(['auto', 'pretty', 'json'], { error: 'must be auto, pretty or json' }).default('auto'),
});

/** LOG_LEVEL and LOG_FORMAT; throws ConfigError naming a bad one. */
export function loadLogSettings(env: Record<string, string | undefined>): LogSettings {
  const e = parseEnv(logEnvSchema, env, 'logging');
  return { level: e.LOG_LEVEL, format: e.LOG_FORMAT };
}

/** Where finished lines go; `level` is pino's number (30 info, 40 warn, 50 error). */
export type LogSink = (line: string, level: number) => void;

const processSink: LogSink = (line, level) => (level >= 40 ? process.stderr : process.stdout).write(line);

const LEVEL_LABELS: Record<number, string> = { 20: 'DEBUG', 30: 'INFO ', 40: 'WARN ', 50: 'ERROR' };
const COLOURS: Record<number, string> = { 20: '\x1b[90m', 30: '\x1b[32m', 40: '\x1b[33m', 50: '\x1b[31m' };

/** One JSON line as a person reads it: `12:00:00.000 INFO  [idp] message key=value (req abc)`. */
export function formatPrettyLine(json: string, colour: boolean): string {
  const { time, level, name, msg, reqId, err, ...fields } = JSON.parse(json) as Record<string, unknown>;
  const num = typeof level === 'number' ? level : 30;
  const label = LEVEL_LABELS[num] ?? String(level);
  const clock = typeof time === 'string' ? time.slice(11, 23) : '';
  const extra = Object.entries(fields)
    .map(([k, v]) => `${k}=${typeof v === 'string' && /^[^\s"=]+$/.test(v) ? v : JSON.stringify(v)}`)
    .join(' ');
  const error = err as { type?: string; message?: string; stack?: string } | undefined;
  const head = `${clock} ${colour ? `${COLOURS[num] ?? ''}${label}\x1b[0m` : label} [${name}] ${msg ?? ''}`;
  return `${head}${extra ? ` ${extra}` : ''}${reqId ? ` (req ${reqId})` : ''}${error ? `\n  ${error.stack ?? `${error.type}: ${error.message}`}` : ''}\n`;
}

/**
 * A pino logger behind the Logger interface: JSON lines (or pretty ones), the request id of the
 * request being handled on every line, and every field and message scrubbed of secrets.
 */
export function createLogger(
  name: string,
  settings: LogSettings = { level: 'info', format: 'auto' },
  sink: LogSink = processSink,
): Logger {
  const pretty = settings.format === 'pretty' || (settings.format === 'auto' && process.stdout.isTTY === true);
  const colour = pretty && sink === processSink && process.stdout.isTTY === true;
  const stream = {
    write(line: string) {
      const level = Number(/"level":(\d+)/.exec(line)?.[1] ?? 30);
      sink(pretty ? formatPrettyLine(line, colour) : line, level);
    },
  };
  const base = pino(
    {
      level: settings.level,
      base: { name },
      timestamp: pino.stdTimeFunctions.isoTime,
      mixin: () => {
        const reqId = currentRequestId();
        return reqId ? { reqId } : {};
      },
      formatters: { log: (fields) => redactSecrets(fields) },
    },
    stream,
  );
  const at =
    (level: 'debug' | 'info' | 'warn' | 'error') =>
    (message: string, fields?: Record<string, unknown>): void => {
      base[level](fields ?? {}, redactText(message));
    };
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

/** The logger of an entry point; `quiet` keeps info lines out (warnings and errors still show). */
export function createConsoleLogger(name: string, options: { quiet?: boolean; settings?: LogSettings } = {}): Logger {
  const settings = options.settings ?? { level: 'info', format: 'auto' };
  return createLogger(name, options.quiet && settings.level === 'info' ? { ...settings, level: 'warn' } : settings);
}

export const silentLogger: Logger = { info() {}, warn() {}, error() {} };
