import { html, useState, useRef, useLayoutEffect } from '../lib.js';
import { post } from '../api.js';
import { t } from '../i18n.js';

export function LoginPage({ onLogin, onLang, flash }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [err, setErr] = useState(null);
  const [busy, setBusy] = useState(false);
  const first = useRef(null);
  // Before paint, so the first keystroke already lands in the field.
  useLayoutEffect(() => { if (first.current) first.current.focus(); }, []);
  const submit = async (e) => {
    e.preventDefault();
    setBusy(true);
    setErr(null);
    try {
      const d = await post('/auth/login', { username, password }, { quiet401: true });
      onLogin(d.user);
    } catch (ex) {
      setBusy(false);
      setErr(ex.status === 401 ? t('login_failed') : t('error', { msg: ex.message }));
    }
  };
  return html`<main id="main" class="login">
    <form class="card login-card" onSubmit=${submit} aria-labelledby="login-h">
      <h1 id="login-h">${t('app_name')}</h1>
      <p class="muted">${t('login_title')}</p>
      ${flash ? html`<p class="notice notice-warn" role="status">${flash}</p>` : null}
      <div class="field">
        <label for="login-username">${t('username')}</label>
        <input id="login-username" name="username" ref=${first} autocomplete="username" required
          value=${username} onInput=${(e) => setUsername(e.currentTarget.value)} />
      </div>
      <div class="field">
        <label for="login-password">${t('password')}</label>
        <input id="login-password" name="password" type="password" autocomplete="current-password" required
          value=${password} onInput=${(e) => setPassword(e.currentTarget.value)} />
      </div>
      ${err ? html`<p class="notice notice-error" role="alert">${err}</p>` : null}
      <div class="form-buttons">
        <button type="submit" class="primary" disabled=${busy}>${t('login_button')}</button>
        <button type="button" class="link-button" onClick=${onLang}>${t('lang_switch')}</button>
      </div>
    </form>
  </main>`;
}
