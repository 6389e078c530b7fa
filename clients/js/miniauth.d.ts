// Types of miniauth.js, written by hand next to it (the module itself stays plain JavaScript,
// served as it is at /miniauth.js). Names follow the service's HTTP contract.

/** A problem+json body as the service sends it (RFC 9457 plus MiniAuth's extensions). */
export interface Problem {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  /** Stable snake_case code, e.g. "invalid_credentials", "session_ended", "mfa_required". */
  code?: ProblemCode;
  /** Field name to messages, on a 400 `validation_failed`. */
  errors?: Record<string, string[]>;
  /** On `session_ended`: why the session ended. */
  reason?: SessionEndReason;
  /** On 429: seconds to wait. */
  retryAfter?: number;
  /** On `mfa_required`: the single-use token for the second step, and the methods it accepts. */
  mfaToken?: string;
  methods?: string[];
  [extension: string]: unknown;
}

/** The codes the service documents; any other string stays possible (newer services). */
export type ProblemCode =
  | "invalid_credentials" | "invalid_token" | "session_ended" | "validation_failed" | "email_taken"
  | "too_many_requests" | "foreign_origin" | "store_unavailable" | "email_not_verified"
  | "account_disabled" | "invite_required" | "signup_closed" | "email_domain_not_allowed"
  | "mfa_required"
  | (string & {});

/** Why the service ended a session (the `reason` of a `session_ended` 401). */
export type SessionEndReason =
  | "logout" | "revoked" | "forced_logout" | "reuse_detected" | "password_changed" | "password_reset"
  | "account_disabled" | "account_deleted" | "expired" | "max_lifetime";

/** A failed call: the HTTP status, the service's `code` and its whole problem body. */
export class MiniAuthError extends Error {
  constructor(status: number, problem?: Problem | null);
  readonly name: "MiniAuthError";
  readonly status: number;
  /** `problem.code` when the body had one, else null. Branch on this, never on the message. */
  readonly code: ProblemCode | null;
  /** The problem+json body, or null when the answer was not JSON. */
  readonly problem: Problem | null;
}

export interface MfaChallenge {
  /** The second factors this account accepts, e.g. ["totp", "recovery_code"]. */
  methods: string[];
  /** How many more codes the MFA token takes. */
  attemptsLeft: number;
  /** The previous wrong code's error (code "invalid_mfa_code"), or null on the first ask. */
  error: MiniAuthError | null;
}

/**
 * The second factor: a TOTP code, one of the recovery codes, or (when `methods` has "passkey")
 * `{ passkey: true }` for the browser's passkey prompt.
 */
export type MfaAnswer = { code: string } | { recoveryCode: string } | { passkey: true; signal?: AbortSignal };

export interface MiniAuthOptions {
  /** The service's base URL; "" (the default) is the page's own origin. */
  baseUrl?: string;
  /** Exact origins ("https://api.example.com") that authFetch may send the access token to. */
  apiOrigins?: readonly string[];
  /** Refresh this long before the access token expires (at most half its lifetime). Default 30. */
  refreshLeewaySeconds?: number;
  /** How long to wait for the cross-tab refresh lock. Default 10. */
  lockTimeoutSeconds?: number;
  /** Timeout of each call to the service's /auth routes. Default 30. */
  requestTimeoutSeconds?: number;
  /** Prefix of the Web Lock and BroadcastChannel names. Default "miniauth". */
  channelName?: string;
  /**
   * Called when a login needs a second factor (403 `mfa_required`): resolve to what the user
   * typed, or to null to give up (login then rejects with that MiniAuthError).
   */
  onMfaRequired?: (challenge: MfaChallenge) => MfaAnswer | null | Promise<MfaAnswer | null>;
}

export interface Profile {
  id: string;
  email: string;
  emailVerified: boolean;
  name: string;
  roles: string[];
  /** ISO-8601 UTC. */
  createdAt: string;
}

export interface Session {
  id: string;
  createdAt: string;
  lastUsedAt: string;
  expiresAt: string;
  ipAddress: string | null;
  userAgent: string | null;
  /** True for the session of this client. */
  current: boolean;
}

export interface ActivityEvent {
  id: string;
  at: string;
  /** e.g. "LoginSucceeded", "PasswordChanged", "SessionRevoked". */
  type: string;
  userId: string | null;
  sessionId: string | null;
  ipAddress: string | null;
  detail: Record<string, unknown> | null;
}

export interface ActivityPage {
  items: ActivityEvent[];
  /** Pass as `before` for the following page; null on the last page. */
  next: string | null;
}

export interface ActivityQuery {
  type?: string;
  before?: string | null;
  limit?: number;
}

export interface TotpSetup {
  /** Base32 secret, for typing into an authenticator app. */
  secret: string;
  /** otpauth:// URI, for a QR code. */
  otpauthUri: string;
  /** The otpauth URI as an SVG QR code, made by the service (no third party sees the secret). */
  qrCodeSvg: string;
}

export interface Passkey {
  id: string;
  name: string;
  createdAt: string;
  lastUsedAt: string | null;
}

/** Why `signedin` / `refreshed` fired. */
export type SignedInReason = "login" | "refresh" | "other-tab";

/** Why `signedout` fired: the service's reason when it gave one, else what this client saw. */
export type SignedOutReason =
  | SessionEndReason
  | "logout-in-other-tab" | "refresh-refused" | "unauthorized";

export interface MiniAuthEventMap {
  signedin: CustomEvent<{ reason: SignedInReason }>;
  refreshed: CustomEvent<{ reason: SignedInReason }>;
  signedout: CustomEvent<{ reason: SignedOutReason }>;
}

export type MiniAuthState = "unknown" | "signedin" | "signedout";

export class MiniAuth extends EventTarget {
  constructor(options?: MiniAuthOptions);

  readonly state: MiniAuthState;
  readonly isSignedIn: boolean;
  /** True from a logout() until the service has confirmed one, in any tab of this origin. */
  readonly logoutPending: boolean;

  addEventListener<K extends keyof MiniAuthEventMap>(
    type: K, listener: (this: MiniAuth, event: MiniAuthEventMap[K]) => void,
    options?: boolean | AddEventListenerOptions): void;
  addEventListener(type: string, listener: EventListenerOrEventListenerObject | null,
    options?: boolean | AddEventListenerOptions): void;
  removeEventListener<K extends keyof MiniAuthEventMap>(
    type: K, listener: (this: MiniAuth, event: MiniAuthEventMap[K]) => void,
    options?: boolean | EventListenerOptions): void;
  removeEventListener(type: string, listener: EventListenerOrEventListenerObject | null,
    options?: boolean | EventListenerOptions): void;

  // account
  signup(request: { email: string; password: string; name?: string }): Promise<Profile>;
  login(request: { email: string; password: string }): Promise<void>;
  logout(): Promise<void>;
  /** Resolves to true when signed in (the refresh cookie bought an access token). */
  restore(): Promise<boolean>;

  // calls
  /** fetch() with the bearer for trusted origins; refreshes and retries once on `invalid_token`. */
  authFetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response>;
  /**
   * A fresh access token (refreshed when near expiry), or null when signed out. `refresh: true`
   * after a 401 `invalid_token` with it: a new token, never this one again.
   */
  getAccessToken(options?: { refresh?: boolean }): Promise<string | null>;
  fetchProfile(): Promise<Profile>;
  /** `name: ""` clears the name. */
  updateProfile(changes: { name: string }): Promise<Profile>;
  changePassword(currentPassword: string, newPassword: string): Promise<void>;
  listSessions(): Promise<Session[]>;
  revokeSession(id: string): Promise<void>;
  /** Every session of the account, this one included: signs out with reason "revoked". */
  revokeAllSessions(): Promise<void>;
  listActivity(query?: ActivityQuery): Promise<ActivityPage>;

  // recovery and email
  requestPasswordReset(email: string): Promise<void>;
  resetPassword(token: string, newPassword: string): Promise<void>;
  verifyEmail(token: string): Promise<void>;
  resendVerification(): Promise<void>;
  changeEmail(newEmail: string, currentPassword: string): Promise<void>;
  deleteAccount(currentPassword: string): Promise<void>;

  // multi-factor sign-in
  startTotp(currentPassword: string): Promise<TotpSetup>;
  /** Resolves to the ten single-use recovery codes, shown once. */
  confirmTotp(code: string): Promise<string[]>;
  removeTotp(currentPassword: string): Promise<void>;

  // passkeys
  registerPasskey(options?: { name?: string; signal?: AbortSignal }): Promise<Passkey>;
  listPasskeys(): Promise<Passkey[]>;
  removePasskey(id: string): Promise<void>;
  loginWithPasskey(options?: { signal?: AbortSignal }): Promise<void>;
}

export function createMiniAuth(options?: MiniAuthOptions): MiniAuth;

export type MailLink =
  | { action: "reset" | "verify"; token: string }
  | { action: "forgot"; token: null };

/** Reads "#reset=…", "#verify=…" or "#forgot" from the address and removes it from the address bar. */
export function takeMailLink(
  loc?: Pick<Location, "hash" | "pathname" | "search">,
  hist?: Pick<History, "replaceState" | "state">,
): MailLink | null;
