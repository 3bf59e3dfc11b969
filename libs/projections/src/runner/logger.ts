/** The slice of a structured logger (pino's signature) the runner needs. */
export interface ProjectionLogger {
  info(obj: Record<string, unknown>, msg: string): void;
  warn(obj: Record<string, unknown>, msg: string): void;
  error(obj: Record<string, unknown>, msg: string): void;
}

export const silentLogger: ProjectionLogger = {
  info() {},
  warn() {},
  error() {},
};

/** A compact, loggable description of an error (never a stack in the checkpoint table). */
export function describeError(error: unknown): string {
  if (error instanceof Error) {
    const detail = (error as { driverError?: { message?: string } }).driverError?.message;
    const message = detail && !error.message.includes(detail) ? `${error.message} (${detail})` : error.message;
    return `${error.name}: ${message}`.slice(0, 4000);
  }
  return String(error).slice(0, 4000);
}
