/**
 * Turns an error that stopped a command into the one line an operator reads. Most come from the
 * environment (port taken, host unknown, data dir not a directory, store unreachable) and already
 * say what is wrong; a stack trace would bury that. The stack is kept for PICTOR_LOG_LEVEL=debug.
 */
interface SystemError extends Error {
  code?: string;
  syscall?: string;
  address?: string;
  port?: number;
  hostname?: string;
  path?: string;
}

export function failureMessage(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const e = err as SystemError;
  const where = e.address !== undefined ? `${e.address}${e.port !== undefined ? `:${e.port}` : ''}` : '';
  const listening = e.syscall === 'listen' || e.syscall === 'bind';
  if (listening && e.code === 'EADDRINUSE') return `cannot listen on ${where}: the port is in use (choose another PORT, or PORT=0 for any free one)`;
  if (listening && e.code === 'EADDRNOTAVAIL') return `cannot listen on ${where}: HOST is not an address of this machine`;
  if (listening && e.code === 'EACCES') return `cannot listen on ${where}: permission denied (ports below 1024 need privileges)`;
  if (e.syscall === 'mkdir' && e.code === 'EEXIST') return `cannot create the directory ${e.path}: a file is in the way`;
  if (e.syscall === 'getaddrinfo') return `cannot resolve host name "${e.hostname}" (${e.code})`;
  return e.message;
}
