/** Sign in with the account ID and an API token: the same credentials as the API. */
import { useState } from 'preact/hooks';
import { Api } from '../api';
import { Alert } from '../components/messages';
import type { Credentials } from '../session';

export function SignIn(props: { onSignedIn(credentials: Credentials, api: Api): void; notice?: string }) {
  const [accountId, setAccountId] = useState('');
  const [token, setToken] = useState('');
  const [error, setError] = useState<unknown>(props.notice);
  const [busy, setBusy] = useState(false);

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    const credentials = { accountId: accountId.trim(), token: token.trim() };
    const api = new Api(credentials.accountId, credentials.token);
    try {
      await api.stats();
      props.onSignedIn(credentials, api);
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };

  return (
    <main id="main" class="sign-in">
      <h1>Sign in to Pictor</h1>
      <p>Use the account ID and an API token, as printed by <code>pictor serve</code> or made with <code>pictor tokens create</code>.</p>
      <form onSubmit={submit}>
        <label for="account-id">Account ID</label>
        <input id="account-id" name="account-id" required autoComplete="username" spellcheck={false} value={accountId} onInput={(e) => setAccountId(e.currentTarget.value)} />
        <label for="api-token">API token</label>
        <input id="api-token" name="api-token" type="password" required autoComplete="current-password" value={token} onInput={(e) => setToken(e.currentTarget.value)} />
        <button type="submit" class="primary" disabled={busy}>
          Sign in
        </button>
      </form>
      <Alert error={error} />
      <p class="hint">The token stays in this tab only (session storage) and is sent to this server's API alone.</p>
    </main>
  );
}
