/**
 * A change a view makes through the API: clears the last messages, runs it, then shows a
 * confirmation or the API's error (a refused write also turns the page read-only).
 */
import { useState } from 'preact/hooks';
import { useSession } from '../session';

export function useAction() {
  const session = useSession();
  const [error, setError] = useState<unknown>();
  const [status, setStatus] = useState<string>();
  /** Resolves `{ value }` on success, undefined on failure (already shown). */
  const act = async <T>(work: () => Promise<T>, done: string): Promise<{ value: T } | undefined> => {
    setError(undefined);
    setStatus(undefined);
    try {
      const value = await work();
      setStatus(done);
      return { value };
    } catch (err) {
      session.noticeError(err);
      setError(err);
      return undefined;
    }
  };
  return { error, setError, status, setStatus, act };
}
