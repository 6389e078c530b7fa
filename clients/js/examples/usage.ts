// A typed use of @miniauth/client, checked by `tsc --noEmit` (see tsconfig.json): if the
// declarations drift from how the package is meant to be used, this stops compiling.
import {
  createMiniAuth, takeMailLink, MiniAuthError,
  type MiniAuth, type Profile, type Session, type SignedOutReason, type MfaAnswer,
} from "@miniauth/client";

declare function showLogin(message: string): void;
declare function askForCode(methods: string[]): Promise<string | null>;

const auth: MiniAuth = createMiniAuth({
  baseUrl: "https://auth.example.com",
  apiOrigins: ["https://api.example.com"],
  refreshLeewaySeconds: 60,
  onMfaRequired: async ({ methods }): Promise<MfaAnswer | null> => {
    const code = await askForCode(methods);
    return code === null ? null : { code };
  },
});

auth.addEventListener("signedout", (event) => {
  const reason: SignedOutReason = event.detail.reason;
  if (reason === "reuse_detected") showLogin("Your session was used elsewhere and has been ended.");
  else if (reason !== "logout") showLogin("Please log in again.");
});
auth.addEventListener("refreshed", (event) => console.log(event.detail.reason satisfies "login" | "refresh" | "other-tab"));

// SignalR's accessTokenFactory (IHttpConnectionOptions) and an axios request interceptor, as
// they are typed in those libraries: each wants the raw token.
interface HttpConnectionOptions { accessTokenFactory?: () => string | Promise<string> }
const signalR: HttpConnectionOptions = { accessTokenFactory: async () => (await auth.getAccessToken()) ?? "" };

interface AxiosLikeConfig { headers: Record<string, string> }
async function withBearer(config: AxiosLikeConfig): Promise<AxiosLikeConfig> {
  const token = await auth.getAccessToken();
  if (token !== null) config.headers["Authorization"] = `Bearer ${token}`;
  return config;
}
// After the API's 401 invalid_token: one new token, then one retry.
async function retryToken(): Promise<string | null> { return auth.getAccessToken({ refresh: true }); }

async function main(): Promise<void> {
  const link = takeMailLink();
  if (link?.action === "reset") await auth.resetPassword(link.token, "a new long passphrase");
  else if (link?.action === "verify") await auth.verifyEmail(link.token);

  if (!(await auth.restore())) {
    try {
      await auth.login({ email: "ada@example.com", password: "correct horse battery staple" });
    } catch (error) {
      if (error instanceof MiniAuthError && error.code === "invalid_credentials") showLogin("Wrong email or password.");
      else if (error instanceof MiniAuthError && error.status === 429) showLogin(`Wait ${error.problem?.retryAfter ?? 60} s.`);
      throw error;
    }
  }

  const profile: Profile = await auth.updateProfile({ name: "Ada" });
  const verified: boolean = profile.emailVerified;
  const sessions: Session[] = await auth.listSessions();
  for (const session of sessions.filter((s) => !s.current)) await auth.revokeSession(session.id);
  await auth.changePassword("correct horse battery staple", "an even longer passphrase");

  let page = await auth.listActivity({ limit: 20 });
  while (page.next !== null) page = await auth.listActivity({ before: page.next, limit: 20 });

  const totp = await auth.startTotp("an even longer passphrase");
  const recoveryCodes: string[] = await auth.confirmTotp("123456");
  console.log(totp.otpauthUri, recoveryCodes.length, verified);

  const passkey = await auth.registerPasskey({ name: "laptop" });
  const passkeys = await auth.listPasskeys();
  if (passkeys.some((p) => p.id === passkey.id)) await auth.removePasskey(passkey.id);

  const orders = await auth.authFetch("https://api.example.com/orders", { headers: { Accept: "application/json" } });
  console.log(orders.status, signalR, await withBearer({ headers: {} }), await retryToken());

  await auth.logout();
  await auth.loginWithPasskey();
  await auth.revokeAllSessions();
}

void main();
