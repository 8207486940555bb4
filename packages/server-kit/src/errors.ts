/**
 * The one error class. `code` keys the message catalogue; `expose` says whether `message` may be
 * shown to the client (library and programming errors never are).
 */
export class AppError extends Error {
  readonly code: string;
  readonly status: number;
  readonly expose: boolean;
  readonly headers: Record<string, string>;

  constructor(
    code: string,
    message: string,
    options: { status?: number; expose?: boolean; headers?: Record<string, string>; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.status = options.status ?? 400;
    this.expose = options.expose ?? this.status < 500;
    this.headers = options.headers ?? {};
  }
}

/** Thrown by config parsing; the launcher prints `message` alone, without a stack. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}
