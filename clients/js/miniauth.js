// miniauth.js: the browser side of MiniAuth, one dependency-free ES module.
//
// The access token lives in this module's memory only (never localStorage, sessionStorage
// or a readable cookie); the refresh token lives in the service's HttpOnly cookie, which
// page scripts cannot read. authFetch() adds the bearer, refreshes shortly before expiry,
// and on a 401 `invalid_token` refreshes once and retries once. Tabs of one browser share
// the cookie, so they take turns refreshing (Web Locks) and share what they get
// (BroadcastChannel).
//
// A logout counts only once the service has confirmed it (204). Until then it is pending, for
// every tab of the origin (a mark in localStorage): no tab refreshes or restores, each retries
// the logout instead, and the other tabs hear "signed out" only when one of those succeeds.
//
// The bearer goes only to trusted origins: the service's (baseUrl's), the page's own, and
// those listed in `apiOrigins`. A URL on any other origin is fetched as it is, without it.
//
//   import { createMiniAuth } from "@miniauth/client";  // or "https://auth.example.com/miniauth.js"
//   const auth = createMiniAuth({
//     baseUrl: "https://auth.example.com",
//     apiOrigins: ["https://api.example.com"],  // exact origins: scheme, host, port if any
//   });
//   auth.addEventListener("signedout", (e) => showLogin(e.detail.reason));
//   if (await auth.restore()) showApp(await auth.fetchProfile());
//   const res = await auth.authFetch("https://api.example.com/orders");
//
// An account with TOTP answers the password with `mfa_required`: login() then asks the page's
// onMfaRequired({ methods, attemptsLeft, error }) for { code } or { recoveryCode } and sends it
// to POST /auth/mfa (see #completeMfa).
//
// Mail links land on the page as "#reset=<token>" / "#verify=<token>": takeMailLink() reads
// and removes them, then resetPassword(token, newPassword) or verifyEmail(token).
//
// Importing it touches no window, document or location (server-side rendering imports it in
// Node). A client reads the page's origin and opens the tab channel only where they exist, and
// storage, locks and fetch only when a call needs them.

export class MiniAuthError extends Error {
  constructor(status, problem) {
    super(problem?.detail || problem?.title || `MiniAuth answered ${status}.`);
    this.name = "MiniAuthError";
    this.status = status;
    this.problem = problem ?? null;
    // The service's stable snake_case code ("invalid_credentials", "mfa_required", ...): branch on it.
    this.code = typeof problem?.code === "string" ? problem.code : null;
  }
}

// The link a MiniAuth mail led here with: "#reset=<token>" (a password reset), "#verify=<token>"
// (an email verification or change) or "#forgot" (the "this wasn't me" pointer). Returns
// { action: "reset" | "verify", token } or { action: "forgot", token: null }, or null for any
// other fragment. A link it knows is removed from the address bar at once with
// history.replaceState (the same entry, so Back does not bring it back either), and the token
// stays out of bookmarks, shared screenshots and the history; the path and query are kept.
export function takeMailLink(loc = globalThis.location, hist = globalThis.history) {
  const match = /^#(reset|verify)=([^&]+)$|^#(forgot)$/.exec(loc?.hash ?? "");
  if (!match) return null;
  let token = null;
  if (match[2] !== undefined) {
    try { token = decodeURIComponent(match[2]); } catch { token = match[2]; }
  }
  try {
    hist?.replaceState(hist.state, "", `${loc.pathname}${loc.search}`);
  } catch {
    // No history to rewrite (an opaque or sandboxed document): clear the fragment at least.
    try { loc.hash = ""; } catch { /* nothing more to do */ }
  }
  return { action: match[1] ?? match[3], token };
}

export function createMiniAuth(options = {}) {
  return new MiniAuth(options);
}

export class MiniAuth extends EventTarget {
  #baseUrl;
  #trustedOrigins;         // the origins authFetch sends the bearer to
  #refreshLeewayMs;
  #lockTimeoutMs;
  #requestTimeoutMs;
  #lockName;
  #pendingKey;             // localStorage key of the pending-logout mark, shared by the origin's tabs
  #channel = null;

  #accessToken = null;
  #expiresAt = 0;          // this browser's clock, ms
  #leewayMs = 0;           // refresh this long before #expiresAt
  #state = "unknown";      // "unknown" | "signedin" | "signedout"
  #refreshing = null;      // the one refresh in flight in this tab
  #loggingOut = false;     // no token is taken in, from anywhere, until the logout is done
  #pendingHere = false;    // the pending-logout mark, where localStorage cannot be used
  #logoutBearer = null;    // the token dropped by logout(), kept only to send with its retries
  #onMfaRequired = null;   // the page's answer to mfa_required, or null

  constructor({
    baseUrl = "",
    refreshLeewaySeconds = 30,
    lockTimeoutSeconds = 10,
    requestTimeoutSeconds = 30,
    channelName = "miniauth",
    apiOrigins = [],
    onMfaRequired = null,
  } = {}) {
    super();
    this.#onMfaRequired = typeof onMfaRequired === "function" ? onMfaRequired : null;
    this.#baseUrl = String(baseUrl).replace(/\/+$/, "");
    this.#trustedOrigins = MiniAuth.#trustedOriginsFor(this.#baseUrl, apiOrigins);
    this.#refreshLeewayMs = refreshLeewaySeconds * 1000;
    this.#lockTimeoutMs = lockTimeoutSeconds * 1000;
    this.#requestTimeoutMs = requestTimeoutSeconds * 1000;
    // Outside a browser (Node, during server-side rendering) there is no page origin and no
    // other tab: no channel is opened, so nothing keeps a server process alive.
    const origin = this.#baseUrl || globalThis.location?.origin || "";
    this.#lockName = `${channelName}:refresh:${origin}`;
    this.#pendingKey = `${channelName}:logout-pending:${origin}`;
    if (typeof BroadcastChannel === "function" && typeof globalThis.location?.origin === "string") {
      this.#channel = new BroadcastChannel(`${channelName}:${origin}`);
      this.#channel.onmessage = (event) => this.#onTabMessage(event.data);
    }
  }

  get state() { return this.#state; }
  get isSignedIn() { return this.#state === "signedin"; }
  // True from a logout() until the service has confirmed one, in any tab of this origin.
  get logoutPending() { return this.#isLogoutPending(); }

  // ---- account ----------------------------------------------------------------------

  async signup({ email, password, name } = {}) {
    const res = await this.#post("/auth/signup", { email, password, name });
    if (!res.ok) throw await MiniAuth.#error(res);
    return res.json();
  }

  // A logout still pending is tried once more first, so the old session does not outlive it
  // where the service can be reached; an explicit sign-in then replaces it either way.
  async login({ email, password } = {}) {
    if (this.#isLogoutPending()) await this.#underLock(() => this.#endSession()).catch(() => {});
    const res = await this.#post("/auth/login", { email, password });
    const tokens = res.ok ? await res.json() : await this.#completeMfa(await MiniAuth.#error(res));
    this.#setLogoutPending(false);
    this.#accept(tokens, "login", true);
  }

  // Ends the session on the service (cookie and bearer both sent, so it ends even if one is
  // missing) under the refresh lock, so no refresh in any tab lands after it. This page forgets
  // its token at once ("signedout", reason "logout"); the other tabs hear of it only once the
  // service has confirmed (204). Anything else (a network failure, 403, 503) rejects, as
  // fetch() does or with a MiniAuthError, and leaves the logout pending: until a retry reaches
  // the service, restore() and authFetch's refresh in every tab retry it instead of signing in,
  // and so does the next logout().
  async logout() {
    this.#logoutBearer = this.#accessToken ?? this.#logoutBearer;
    this.#setLogoutPending(true);
    this.#loggingOut = true;
    this.#forget("logout");
    try {
      await this.#underLock(() => this.#endSession());
    } finally {
      this.#loggingOut = false;
    }
  }

  // On page load: the cookie, if any, buys a fresh access token. Resolves to true when
  // signed in. While a logout is pending it retries that instead and never signs in: false
  // once the service has confirmed it, and its error if it still fails.
  async restore() {
    if (this.#state === "signedin" && !this.#nearExpiry()) return true;
    return (await this.#refresh(null)) !== null;
  }

  // ---- calls --------------------------------------------------------------------------

  // Like fetch(), with the bearer. Refreshes before a token that is about to expire, and
  // after a 401 `invalid_token` refreshes once and retries once. Any other 401, or a refused
  // refresh, ends in a "signedout" event and the 401 response is returned, never a loop.
  // A body given as a ReadableStream cannot be sent twice: use a string, Blob or FormData.
  //
  // Only a URL on a trusted origin (see #trustedOriginsFor) gets the bearer. Any other URL is
  // a plain fetch(input, init): no token, no refresh, no retry, and its 401 signs nobody out
  // (another origin's answer says nothing about this session). It is not an error, by
  // choice: authFetch stays a drop-in fetch() for a page that routes every call through it
  // (a CDN, an analytics endpoint, a user's link), and the token stays home either way; an
  // API left out of apiOrigins shows itself at once with its own 401 for the missing bearer.
  async authFetch(input, init = {}) {
    if (!this.#trusts(input)) return fetch(input, init);
    const retry = input instanceof Request ? input.clone() : input;
    let token = this.#accessToken;
    let refreshed = false;
    if (!token || this.#nearExpiry()) {
      token = await this.#refresh(token);
      refreshed = true;
    }

    const first = await fetch(input, MiniAuth.#withBearer(input, init, token));
    if (first.status !== 401) return first;
    if (!token || refreshed || !MiniAuth.#saysInvalidToken(first)) {
      this.#forget(await MiniAuth.#endedReason(first, "unauthorized"));
      return first;
    }

    const fresh = await this.#refresh(token);
    if (!fresh) return first;
    const second = await fetch(retry, MiniAuth.#withBearer(retry, init, fresh));
    if (second.status === 401) this.#forget(await MiniAuth.#endedReason(second, "unauthorized"));
    return second;
  }

  // The current access token for a library that sends it itself (SignalR's accessTokenFactory,
  // an axios interceptor): this one while it is fresh, else a refreshed one (the same refresh
  // authFetch makes), or null when signed out. The caller decides where it goes: the trusted
  // origins of authFetch do not apply to it. A failed refresh (network, 503) rejects.
  // { refresh: true } after the library got a 401 `invalid_token`: this token is not handed out
  // again, a new one is fetched (or null, and "signedout" with the service's reason).
  async getAccessToken({ refresh = false } = {}) {
    if (this.#accessToken && !refresh && !this.#nearExpiry()) return this.#accessToken;
    return this.#refresh(this.#accessToken);
  }

  async fetchProfile() { return this.#json(await this.authFetch(this.#url("/profile"))); }

  // PATCH /profile { name }: the updated profile.
  async updateProfile({ name } = {}) {
    return this.#json(await this.authFetch(this.#url("/profile"), MiniAuth.#jsonInit("PATCH", { name })));
  }

  // POST /profile/password. On 204 every other session of the account has ended; this one goes
  // on. A wrong current password rejects with problem.errors.currentPassword (a 400, not a 401).
  async changePassword(currentPassword, newPassword) {
    const res = await this.authFetch(this.#url("/profile/password"), MiniAuth.#jsonInit("POST", { currentPassword, newPassword }));
    if (!res.ok) throw await MiniAuth.#error(res);
  }

  async listSessions() { return this.#json(await this.authFetch(this.#url("/sessions"))); }

  async revokeSession(id) {
    const res = await this.authFetch(this.#url(`/sessions/${encodeURIComponent(id)}`), { method: "DELETE" });
    if (!res.ok) throw await MiniAuth.#error(res);
  }

  // DELETE /sessions: every session of the account, this one included. On 204 this tab and the
  // origin's other tabs (which share its session) sign out with reason "revoked".
  async revokeAllSessions() {
    const res = await this.authFetch(this.#url("/sessions"), { method: "DELETE" });
    if (res.status !== 204) throw await MiniAuth.#error(res);
    this.#setLogoutPending(false);
    this.#forget("revoked");
    this.#channel?.postMessage({ type: "signedout", reason: "revoked" });
  }

  // GET /profile/activity: the account's own security events, newest first, a page at a time
  // ({ items, next }; pass next back as `before` for the following page).
  async listActivity({ type, before, limit } = {}) {
    const query = new URLSearchParams();
    if (type !== undefined) query.set("type", type);
    if (before !== undefined && before !== null) query.set("before", before);
    if (limit !== undefined) query.set("limit", String(limit));
    const search = query.toString();
    return this.#json(await this.authFetch(this.#url(`/profile/activity${search ? `?${search}` : ""}`)));
  }

  // ---- recovery and email ---------------------------------------------------------------

  // POST /auth/password/forgot. The service answers 202 whether or not an account has this
  // email, so this resolves the same either way (a mail goes out only for a real account).
  async requestPasswordReset(email) {
    const res = await this.#post("/auth/password/forgot", { email });
    if (!res.ok) throw await MiniAuth.#error(res);
  }

  // POST /auth/password/reset with the token from a reset mail (see takeMailLink). On 204 the
  // password is set and every session of that account has ended (reason "password_reset"):
  // log in with the new password. A bad, used or expired token rejects with a MiniAuthError
  // whose problem.errors.token says so; a refused password with problem.errors.newPassword.
  async resetPassword(token, newPassword) {
    const res = await this.#post("/auth/password/reset", { token, newPassword });
    if (!res.ok) throw await MiniAuth.#error(res);
  }

  // POST /auth/email/verify with the token from a verification mail: the email is verified,
  // or, for the link mailed to a new address, the email change applies. Needs no session.
  async verifyEmail(token) {
    const res = await this.#post("/auth/email/verify", { token });
    if (!res.ok) throw await MiniAuth.#error(res);
  }

  // POST /profile/email/verification (signed in): a new verification mail, none when the
  // email is verified already (the same 202).
  async resendVerification() {
    const res = await this.authFetch(this.#url("/profile/email/verification"), { method: "POST" });
    if (!res.ok) throw await MiniAuth.#error(res);
  }

  // POST /profile/email (signed in): mails a link to newEmail; the email changes only once that
  // link comes back to verifyEmail(). A wrong password rejects with problem.errors.currentPassword,
  // an address another account has with problem.code "email_taken".
  async changeEmail(newEmail, currentPassword) {
    const res = await this.authFetch(this.#url("/profile/email"), MiniAuth.#jsonInit("POST", { newEmail, currentPassword }));
    if (!res.ok) throw await MiniAuth.#error(res);
  }

  // DELETE /profile (signed in). On 204 the account and all its sessions are gone: like a
  // confirmed logout, this tab forgets its token and fires "signedout" (reason
  // "account_deleted"), and every other tab of the origin is told (the same reason). Anything
  // else rejects (a wrong password: problem.errors.currentPassword) and nothing changes.
  async deleteAccount(currentPassword) {
    const res = await this.authFetch(this.#url("/profile"), MiniAuth.#jsonInit("DELETE", { currentPassword }));
    if (res.status !== 204) throw await MiniAuth.#error(res);
    this.#setLogoutPending(false);
    this.#forget("account_deleted");
    this.#channel?.postMessage({ type: "signedout", reason: "account_deleted" });
  }

  // ---- multi-factor sign-in ---------------------------------------------------------

  // The second step of a login that answered `mfa_required`: the page's onMfaRequired is asked
  // for { code } or { recoveryCode } (given { methods, attemptsLeft, error }: error is the
  // MiniAuthError of the previous wrong code, else null) and asked again after a wrong one while
  // the MFA token takes more; resolves to the token response. Without a handler, or when it
  // resolves to nothing (the user gave up), the mfa_required error is thrown, as is any other.
  async #completeMfa(error) {
    if (error.problem?.code !== "mfa_required" || !this.#onMfaRequired) throw error;
    const { mfaToken, methods } = error.problem;
    // A passkey may answer once: the options' challenge is single use.
    let passkeyOptions = error.problem.passkeyOptions ?? null;
    let attemptsLeft = 5;
    let last = null;
    for (;;) {
      const offered = (methods ?? []).filter((m) => m !== "passkey" || passkeyOptions !== null);
      const answer = await this.#onMfaRequired({ methods: offered, attemptsLeft, error: last });
      let body;
      if (answer?.passkey && passkeyOptions !== null) {
        const credential = await navigator.credentials.get({
          publicKey: PublicKeyCredential.parseRequestOptionsFromJSON(passkeyOptions), signal: answer.signal,
        });
        passkeyOptions = null;
        body = { mfaToken, credential: credential.toJSON() };
      } else if (answer && (answer.code != null || answer.recoveryCode != null)) {
        body = answer.code != null ? { mfaToken, code: String(answer.code) } : { mfaToken, recoveryCode: String(answer.recoveryCode) };
      } else {
        throw error;
      }
      const res = await this.#post("/auth/mfa", body);
      if (res.ok) return res.json();
      last = await MiniAuth.#error(res);
      attemptsLeft = Number(last.problem?.attemptsLeft ?? 0);
      if (last.problem?.code !== "invalid_mfa_code" || attemptsLeft <= 0) throw last;
    }
  }

  // POST /profile/mfa/totp (signed in): resolves to { secret, otpauthUri, qrCodeSvg }. TOTP is
  // on only once confirmTotp() gets a code of that secret. A wrong password rejects with
  // problem.errors.currentPassword.
  async startTotp(currentPassword) {
    const res = await this.authFetch(this.#url("/profile/mfa/totp"), MiniAuth.#jsonInit("POST", { currentPassword }));
    return this.#json(res);
  }

  // POST /profile/mfa/totp/confirm (signed in) with the app's current code: TOTP is on; resolves
  // to the 10 recovery codes, which the service shows this once. A wrong code rejects with
  // problem.errors.code.
  async confirmTotp(code) {
    const res = await this.authFetch(this.#url("/profile/mfa/totp/confirm"), MiniAuth.#jsonInit("POST", { code: String(code) }));
    return (await this.#json(res)).recoveryCodes;
  }

  // DELETE /profile/mfa/totp (signed in): TOTP and the recovery codes are gone, and every other
  // session of the account has ended.
  async removeTotp(currentPassword) {
    const res = await this.authFetch(this.#url("/profile/mfa/totp"), MiniAuth.#jsonInit("DELETE", { currentPassword }));
    if (res.status !== 204) throw await MiniAuth.#error(res);
  }

  // ---- passkeys -----------------------------------------------------------------------
  // WebAuthn through navigator.credentials with the service's JSON options (a browser with
  // PublicKeyCredential.parseCreationOptionsFromJSON, e.g. Chromium 129+). The browser's own
  // refusals (the user cancelled, no authenticator: a DOMException such as "NotAllowedError")
  // reject as they are; the service's as a MiniAuthError with problem.code.

  // Signed in: makes a passkey for this account on this device and registers it. Resolves to
  // the passkey { id, name, createdAt, lastUsedAt }.
  async registerPasskey({ name, signal } = {}) {
    const options = await this.#json(await this.authFetch(this.#url("/profile/passkeys/options"), { method: "POST" }));
    const credential = await navigator.credentials.create({
      publicKey: PublicKeyCredential.parseCreationOptionsFromJSON(options), signal,
    });
    return this.#json(await this.authFetch(this.#url("/profile/passkeys"),
      MiniAuth.#jsonInit("POST", { credential: credential.toJSON(), name })));
  }

  async listPasskeys() { return this.#json(await this.authFetch(this.#url("/profile/passkeys"))); }

  async removePasskey(id) {
    const res = await this.authFetch(this.#url(`/profile/passkeys/${encodeURIComponent(id)}`), { method: "DELETE" });
    if (!res.ok) throw await MiniAuth.#error(res);
  }

  // Signs in with a passkey alone: the browser offers this service's passkeys, no email typed.
  // Like login(): a pending logout is tried first, then the session replaces it.
  async loginWithPasskey({ signal } = {}) {
    if (this.#isLogoutPending()) await this.#underLock(() => this.#endSession()).catch(() => {});
    const options = await this.#json(await this.#post("/auth/passkey/options", {}));
    const credential = await navigator.credentials.get({
      publicKey: PublicKeyCredential.parseRequestOptionsFromJSON(options), signal,
    });
    const res = await this.#post("/auth/passkey", { credential: credential.toJSON() });
    if (!res.ok) throw await MiniAuth.#error(res);
    const tokens = await res.json();
    this.#setLogoutPending(false);
    this.#accept(tokens, "login", true);
  }

  // ---- refresh ------------------------------------------------------------------------

  // One refresh at a time in this tab (callers share it), and one at a time across tabs
  // (a Web Lock, never awaited forever). `failed` is the token that prompted it: if another
  // tab has meanwhile sent a newer one, that one is used and no request is made.
  #refresh(failed) {
    this.#refreshing ??= this.#refreshAcrossTabs(failed).finally(() => { this.#refreshing = null; });
    return this.#refreshing;
  }

  #refreshAcrossTabs(failed) {
    return this.#underLock(() => this.#refreshNow(failed));
  }

  async #underLock(work) {
    const locks = globalThis.navigator?.locks;
    if (!locks) return work();
    const signal = MiniAuth.#timeout(this.#lockTimeoutMs);
    let started = false;
    try {
      return await locks.request(this.#lockName, { signal }, () => { started = true; return work(); });
    } catch (error) {
      if (started || !signal.aborted) throw error;
      // The lock did not come in time (a stuck tab): go ahead; the service forgives a
      // concurrent rotation within its reuse grace.
      return work();
    }
  }

  async #refreshNow(failed) {
    // A logout not yet confirmed comes first, and no token comes after it.
    if (this.#isLogoutPending()) {
      await this.#endSession();
      return null;
    }
    if (this.#accessToken && this.#accessToken !== failed && !this.#nearExpiry()) return this.#accessToken;
    const res = await this.#fetch(`${this.#baseUrl}/auth/restoreAccessToken`, { method: "POST", credentials: "include" });
    if (res.ok) return this.#accept(await res.json(), "refresh", true);
    if (res.status === 400 || res.status === 401) {
      this.#forget(await MiniAuth.#endedReason(res, "refresh-refused"));
      return null;
    }
    throw await MiniAuth.#error(res);
  }

  // ---- logout -------------------------------------------------------------------------

  // POST /auth/logout, under the lock (the caller holds it). Only a 204 ends the pending
  // logout: then every tab is told. Anything else is thrown and the logout stays pending.
  async #endSession() {
    const bearer = this.#logoutBearer ?? this.#accessToken;
    const headers = bearer ? { Authorization: `Bearer ${bearer}` } : {};
    const res = await this.#fetch(`${this.#baseUrl}/auth/logout`, { method: "POST", credentials: "include", headers });
    if (res.status !== 204) throw await MiniAuth.#error(res);
    this.#setLogoutPending(false);
    this.#forget("logout");
    this.#channel?.postMessage({ type: "signedout" });
  }

  // The mark lives in localStorage, so every tab of the origin sees it, even one opened later;
  // in memory only where localStorage cannot be used (then this tab alone knows).
  #isLogoutPending() {
    try {
      return globalThis.localStorage.getItem(this.#pendingKey) !== null;
    } catch {
      return this.#pendingHere;
    }
  }

  #setLogoutPending(pending) {
    this.#pendingHere = pending;
    if (!pending) this.#logoutBearer = null;
    try {
      if (pending) globalThis.localStorage.setItem(this.#pendingKey, new Date().toISOString());
      else globalThis.localStorage.removeItem(this.#pendingKey);
    } catch {
      // No storage (a sandboxed frame, a full quota): this tab's memory holds the mark.
    }
  }

  #nearExpiry() {
    return Date.now() >= this.#expiresAt - this.#leewayMs;
  }

  // ---- state --------------------------------------------------------------------------

  #accept(tokens, reason, tellOtherTabs) {
    if (this.#loggingOut) return null;
    // expiresIn, measured on this browser's clock, is the token's exp without trusting the
    // device's clock to agree with the service's.
    const lifetimeMs = Number(tokens.expiresIn) * 1000;
    this.#setToken(tokens.accessToken, Date.now() + lifetimeMs, reason, tellOtherTabs);
    return tokens.accessToken;
  }

  #setToken(token, expiresAt, reason, tellOtherTabs) {
    this.#accessToken = token;
    this.#expiresAt = expiresAt;
    // A short lifetime must not be "near expiry" from the moment it arrives.
    this.#leewayMs = Math.min(this.#refreshLeewayMs, (expiresAt - Date.now()) / 2);
    if (tellOtherTabs) this.#channel?.postMessage({ type: "token", accessToken: token, expiresAt });
    const was = this.#state;
    this.#state = "signedin";
    this.dispatchEvent(new CustomEvent(was === "signedin" ? "refreshed" : "signedin", { detail: { reason } }));
  }

  #forget(reason) {
    this.#accessToken = null;
    this.#expiresAt = 0;
    const was = this.#state;
    this.#state = "signedout";
    if (was !== "signedout") this.dispatchEvent(new CustomEvent("signedout", { detail: { reason } }));
  }

  #onTabMessage(message) {
    if (message?.type === "token" && typeof message.accessToken === "string" && message.expiresAt > this.#expiresAt
        && !this.#loggingOut && !this.#isLogoutPending())
      this.#setToken(message.accessToken, message.expiresAt, "other-tab", false);
    else if (message?.type === "signedout") {
      this.#pendingHere = false;
      this.#logoutBearer = null;
      this.#forget(MiniAuth.#sharedReasons.has(message.reason) ? message.reason : "logout-in-other-tab");
    }
  }

  // What a tab's "signedout" may tell the others; any other message reads as a logout there.
  static #sharedReasons = new Set(["account_deleted", "revoked"]);

  // ---- trusted origins ----------------------------------------------------------------

  // The service's origin (baseUrl's, or the page's when baseUrl is ""), the page's own, and
  // each of apiOrigins, which must be exact origins ("https://api.example.com",
  // "http://localhost:5173"), spelled as the service wants Cors:AllowedOrigins. A path
  // promises a narrowing that origins cannot make, a wildcard trusts hosts nobody listed, a
  // bare host name says no scheme: each is a mistake, so it throws here, at once.
  static #trustedOriginsFor(baseUrl, apiOrigins) {
    let service;
    try {
      // No page (server-side rendering) and no baseUrl: no service origin to trust yet.
      const page = globalThis.location?.href;
      service = baseUrl || page ? new URL(baseUrl || page, page).origin : null;
    } catch {
      throw new TypeError(`MiniAuth: baseUrl must be a URL such as "https://auth.example.com"; got ${JSON.stringify(baseUrl)}.`);
    }
    if (!Array.isArray(apiOrigins))
      throw new TypeError(`MiniAuth: apiOrigins must be an array of origins such as ["https://api.example.com"]; got ${JSON.stringify(apiOrigins)}.`);
    const trusted = new Set([service, globalThis.location?.origin].filter(MiniAuth.#isWebOrigin));
    for (const entry of apiOrigins) trusted.add(MiniAuth.#exactOrigin(entry));
    return trusted;
  }

  static #exactOrigin(entry) {
    // Scheme and authority only, spelled out: nothing after the host[:port], no user, no "*".
    const spelled = typeof entry === "string" && /^https?:\/\/[^/?#@*\s]+$/i.test(entry);
    let url = null;
    if (spelled) try { url = new URL(entry); } catch { /* not a host */ }
    const exact = url !== null && url.href === `${url.origin}/`;
    if (!exact)
      throw new TypeError(`MiniAuth: each apiOrigins entry must be an exact origin: http or https, host, `
        + `optional port, no path, no trailing slash, no wildcard (such as "https://api.example.com"); `
        + `got ${JSON.stringify(entry)}.`);
    return url.origin;
  }

  // Only http(s) origins are ever trusted: an opaque origin ("null": a sandboxed or file:
  // page) would otherwise match every other opaque one.
  static #isWebOrigin(origin) { return typeof origin === "string" && /^https?:\/\//.test(origin); }

  // The request's origin, resolved as fetch() resolves it (against the document's base URL). A
  // different scheme, host or port is a different origin, so http: never gets the token of
  // an https: origin. A URL that does not parse gets no token (and fetch() rejects it).
  #trusts(input) {
    try {
      // Fail closed on anything but a string, a URL or this realm's Request (another frame's
      // Request is not instanceof ours), and resolve as fetch() does: against the document's
      // base URL, which a <base> element can move to another origin.
      const url = input instanceof Request ? input.url : input instanceof URL ? input.href
        : typeof input === "string" ? input : null;
      if (url === null) return false;
      return this.#trustedOrigins.has(new URL(url, globalThis.document?.baseURI ?? globalThis.location?.href).origin);
    } catch {
      return false;
    }
  }

  // ---- plumbing -----------------------------------------------------------------------

  #url(path) { return `${this.#baseUrl}${path}`; }

  #post(path, body) {
    return this.#fetch(this.#url(path), {
      method: "POST",
      credentials: "include",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
    });
  }

  // Calls to the service's /auth routes: one that hangs must not hold the lock forever.
  #fetch(input, init) {
    return fetch(input, { ...init, signal: MiniAuth.#timeout(this.#requestTimeoutMs) });
  }

  async #json(res) {
    if (!res.ok) throw await MiniAuth.#error(res);
    return res.json();
  }

  static #jsonInit(method, body) {
    return { method, headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) };
  }

  static #withBearer(input, init, token) {
    const headers = new Headers(init.headers ?? (input instanceof Request ? input.headers : undefined));
    if (token) headers.set("Authorization", `Bearer ${token}`);
    else headers.delete("Authorization");
    return { ...init, headers };
  }

  static #saysInvalidToken(res) {
    return /error\s*=\s*"?invalid_token"?/i.test(res.headers.get("WWW-Authenticate") ?? "");
  }

  static #timeout(ms) {
    if (typeof AbortSignal.timeout === "function") return AbortSignal.timeout(ms);
    const controller = new AbortController();
    setTimeout(() => controller.abort(new DOMException("Timed out", "TimeoutError")), ms);
    return controller.signal;
  }

  // Why a 401 ended the session: the service's `reason` when it says `session_ended`
  // (logout, revoked, password_changed, ...), else `fallback`. The response stays unread.
  static async #endedReason(res, fallback) {
    if (!/json/i.test(res.headers.get("Content-Type") ?? "")) return fallback;
    try {
      const problem = await res.clone().json();
      if (problem?.code === "session_ended" && typeof problem.reason === "string" && problem.reason) return problem.reason;
    } catch { /* not JSON */ }
    return fallback;
  }

  static async #error(res) {
    let problem = null;
    try { problem = await res.json(); } catch { /* not JSON */ }
    return new MiniAuthError(res.status, problem);
  }
}
