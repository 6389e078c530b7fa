// The demo page at "/": everything goes through miniauth.js, the way your own page would.
import { createMiniAuth, MiniAuthError, takeMailLink } from "./miniauth.js";
import { setUpPasskeys } from "./demo-passkeys.js";

// A login of an account with two-factor authentication asks askForCode (below) for a code.
export const auth = createMiniAuth({ onMfaRequired: (request) => askForCode(request) });

const $ = (id) => document.getElementById(id);
const when = (iso) => new Date(iso).toLocaleString([], { dateStyle: "medium", timeStyle: "short" });

const signedOutMessages = {
  "logout": "You are signed out.",
  "logout-in-other-tab": "You signed out in another tab.",
  "unauthorized": "Your session has ended. Please log in again.",
  "refresh-refused": "Your session has ended. Please log in again.",
  // The service's own reasons, when it gives one.
  "revoked": "This session was ended from another device. Please log in again.",
  "forced_logout": "An administrator ended your session. Please log in again.",
  "reuse_detected": "Your session was ended for your safety. Please log in again.",
  "password_changed": "Your password was changed. Please log in again.",
  "password_reset": "Your password was reset. Please log in again.",
  "account_disabled": "This account has been disabled.",
  "account_deleted": "This account has been deleted.",
  "expired": "Your session has expired. Please log in again.",
  "max_lifetime": "Your session has expired. Please log in again.",
};

auth.addEventListener("signedin", () => showSignedIn());
auth.addEventListener("signedout", (event) => {
  const wasKnown = $("status").dataset.state !== "unknown";
  showSignedOut();
  if (wasKnown) say(signedOutMessages[event.detail.reason] ?? "You are signed out.");
});

// ---- views --------------------------------------------------------------------------

function showSignedOut() {
  setStatus("signedout", "Signed out");
  $("signed-in").hidden = true;
  $("reset-view").hidden = true;
  $("signed-out").hidden = false;
  $("profile-fetched").textContent = "";
  $("sessions").replaceChildren();
  $("delete-confirm").hidden = true;
  for (const form of ["email-form", "delete-form", "reset-form", "totp-start-form", "totp-confirm-form", "totp-remove-form"]) $(form).reset();
  $("totp-confirm-form").hidden = true;
  $("totp-recovery").hidden = true;
  $("totp-recovery-codes").replaceChildren();
}

async function showSignedIn() {
  $("signed-out").hidden = true;
  $("reset-view").hidden = true;
  $("signed-in").hidden = false;
  say(null);
  setStatus("signedin", "Signed in");
  await Promise.all([loadProfile(), loadSessions()]);
}

function setStatus(state, text) {
  const status = $("status");
  status.dataset.state = state;
  status.textContent = text;
}

function say(text, kind = "info") {
  const message = $("message");
  message.hidden = !text;
  message.textContent = text ?? "";
  message.dataset.kind = kind;
}

// A call that ended in "signed out" has already said so through the event.
function fail(error) {
  if (!auth.isSignedIn) return;
  say(problemText(error), "error");
}

// ---- profile ------------------------------------------------------------------------

async function loadProfile() {
  try {
    const profile = await auth.fetchProfile();
    $("profile-name").textContent = profile.name || "—";
    $("profile-email").textContent = profile.email;
    $("profile-verified").textContent = profile.emailVerified ? "Yes" : "Not yet";
    // Hidden too for a service that does not say (no emailVerified in the profile).
    $("resend-verification").hidden = profile.emailVerified !== false;
    $("profile-roles").textContent = profile.roles.length ? profile.roles.join(", ") : "none";
    $("profile-created").textContent = when(profile.createdAt);
    $("profile-fetched").textContent = `Fetched ${new Date().toLocaleTimeString()}`;
    setStatus("signedin", profile.email);
  } catch (error) {
    fail(error);
  }
}

// ---- sessions -----------------------------------------------------------------------

async function loadSessions() {
  const list = $("sessions");
  const note = $("sessions-note");
  note.hidden = true;
  try {
    const sessions = await auth.listSessions();
    // This device first, then the most recently used.
    sessions.sort((a, b) => (b.current - a.current) || (Date.parse(b.lastUsedAt) - Date.parse(a.lastUsedAt)));
    list.replaceChildren(...sessions.map(sessionRow));
    if (!sessions.length) showNote("No sessions.");
  } catch (error) {
    list.replaceChildren();
    if (error instanceof MiniAuthError && (error.status === 404 || error.status === 405))
      showNote("The session list is not available on this server.");
    else fail(error);
  }

  function showNote(text) {
    note.textContent = text;
    note.hidden = false;
  }
}

function sessionRow(session) {
  const row = $("session-row").content.firstElementChild.cloneNode(true);
  row.dataset.sessionId = session.id;
  row.querySelector(".session-agent").textContent = describeAgent(session.userAgent);
  row.querySelector(".badge").hidden = !session.current;
  row.querySelector(".session-meta").textContent = [
    session.ipAddress,
    session.amr?.includes("mfa") ? "two-factor" : null,
    `last used ${when(session.lastUsedAt)}`,
    `since ${when(session.createdAt)}`,
  ].filter(Boolean).join(" · ");
  const revoke = row.querySelector(".revoke");
  // This device signs out with the button below; revoke is for the others.
  revoke.hidden = session.current;
  revoke.addEventListener("click", async () => {
    revoke.disabled = true;
    try {
      await auth.revokeSession(session.id);
      row.remove();
      say("Session revoked.");
    } catch (error) {
      revoke.disabled = false;
      fail(error);
    }
  });
  return row;
}

function describeAgent(userAgent) {
  if (!userAgent) return "Unknown device";
  const browser = /Edg\//.test(userAgent) ? "Edge"
    : /(Chrome|Chromium)\//.test(userAgent) ? "Chrome"
    : /Firefox\//.test(userAgent) ? "Firefox"
    : /Safari\//.test(userAgent) ? "Safari"
    : null;
  const system = /Android/.test(userAgent) ? "Android"
    : /iPhone|iPad/.test(userAgent) ? "iOS"
    : /Windows/.test(userAgent) ? "Windows"
    : /Mac OS X/.test(userAgent) ? "macOS"
    : /Linux/.test(userAgent) ? "Linux"
    : null;
  if (browser && system) return `${browser} on ${system}`;
  return browser ?? system ?? userAgent.slice(0, 60);
}

// ---- forms and buttons --------------------------------------------------------------

function chooseTab(login) {
  $("tab-login").setAttribute("aria-selected", String(login));
  $("tab-signup").setAttribute("aria-selected", String(!login));
  $("login-form").hidden = !login;
  $("signup-form").hidden = login;
  $("forgot-form").hidden = true;
  say(null);
}

function showForgot() {
  chooseTab(true);
  $("login-form").hidden = true;
  $("forgot-form").hidden = false;
  $("forgot-form").email.value ||= $("login-form").email.value;
  $("forgot-form").email.focus();
}

// ---- mail links: #reset=<token>, #verify=<token>, #forgot ------------------------------

let resetToken = null;

function showReset(token) {
  resetToken = token;
  $("signed-in").hidden = true;
  $("signed-out").hidden = true;
  $("reset-view").hidden = false;
  setStatus("unknown", "New password");
  say(null);
  $("reset-form").newPassword.focus();
}

// Resolves to what to tell the user: the link proved the mailbox, or it did not work.
async function verifyLink(token) {
  try {
    await auth.verifyEmail(token);
    return ["Your email address is verified.", "info"];
  } catch (error) {
    return [`The email could not be verified: ${problemText(error)}`, "error"];
  }
}

// The page opened from a mail (or a link followed in this tab): the token leaves the address
// bar before anything else happens.
async function openPage(link) {
  if (link?.action === "reset") {
    showReset(link.token);
    return;
  }
  const verified = link?.action === "verify" ? await verifyLink(link.token) : null;
  if (auth.isSignedIn) await loadProfile();
  else await restoreOrShowSignedOut();
  if (link?.action === "forgot" && !auth.isSignedIn) showForgot();
  if (verified) say(...verified);
}

async function restoreOrShowSignedOut() {
  try {
    if (!(await auth.restore())) showSignedOut();
  } catch {
    showSignedOut();
    say("The service could not be reached.", "error");
  }
}

async function busy(button, work) {
  button.disabled = true;
  try { await work(); } finally { button.disabled = false; }
}

function problemText(error) {
  if (!(error instanceof MiniAuthError)) return "The service could not be reached.";
  const fieldErrors = Object.values(error.problem?.errors ?? {}).flat();
  return fieldErrors.length ? fieldErrors.join(" ") : error.message;
}

$("tab-login").addEventListener("click", () => chooseTab(true));
$("tab-signup").addEventListener("click", () => chooseTab(false));

$("login-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const form = event.currentTarget;
  busy(form.querySelector("button"), async () => {
    try {
      await auth.login({ email: form.email.value, password: form.password.value });
      form.reset();
    } catch (error) {
      // Cancelled at the code prompt: nothing to say.
      if (!(error instanceof MiniAuthError && error.problem?.code === "mfa_required")) say(problemText(error), "error");
    } finally {
      endCodePrompt(null);
    }
  });
});

$("signup-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const form = event.currentTarget;
  busy(form.querySelector("button"), async () => {
    try {
      const email = form.email.value;
      const password = form.password.value;
      await auth.signup({ email, password, name: form.name.value || undefined });
      await auth.login({ email, password });
      form.reset();
      chooseTab(true);
    } catch (error) {
      say(problemText(error), "error");
    }
  });
});

// ---- two-factor authentication --------------------------------------------------------

// The code prompt of a login: resolves to { code } or { recoveryCode }, or null on Cancel.
let answerCode = null;

function askForCode({ methods, attemptsLeft, error }) {
  const form = $("mfa-form");
  $("login-form").hidden = true;
  form.hidden = false;
  $("mfa-use-recovery").hidden = !methods.includes("recovery_code");
  if (error) say(`${problemText(error)} ${attemptsLeft} ${attemptsLeft === 1 ? "try" : "tries"} left.`, "error");
  else say(null);
  form.code.value = "";
  form.recoveryCode.value = "";
  (form.code.closest("label").hidden ? form.recoveryCode : form.code).focus();
  return new Promise((resolve) => { answerCode = resolve; });
}

function endCodePrompt(answer) {
  const form = $("mfa-form");
  form.hidden = true;
  $("login-form").hidden = false;
  $("mfa-code-label").hidden = false;
  $("mfa-recovery-label").hidden = true;
  answerCode?.(answer);
  answerCode = null;
}

$("mfa-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const form = event.currentTarget;
  const answer = $("mfa-recovery-label").hidden ? { code: form.code.value.replace(/\s/g, "") } : { recoveryCode: form.recoveryCode.value };
  const resolve = answerCode;
  answerCode = null;
  resolve?.(answer);
});
$("mfa-use-recovery").addEventListener("click", () => {
  $("mfa-code-label").hidden = true;
  $("mfa-recovery-label").hidden = false;
  $("mfa-use-recovery").hidden = true;
  $("mfa-form").recoveryCode.focus();
});
$("mfa-cancel").addEventListener("click", () => endCodePrompt(null));

// Enrolment: the password, then the QR code (made by the service, shown as a data: image, which
// the page's CSP allows) and the first code, then the recovery codes, once.
$("totp-start-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const form = event.currentTarget;
  busy(form.querySelector("button[type=submit]"), async () => {
    try {
      const { secret, qrCodeSvg } = await auth.startTotp(form.currentPassword.value);
      form.reset();
      $("totp-qr").src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(qrCodeSvg)}`;
      $("totp-secret").textContent = secret.replace(/(.{4})/g, "$1 ").trim();
      $("totp-confirm-form").hidden = false;
      $("totp-confirm-form").code.focus();
    } catch (error) {
      if (error instanceof MiniAuthError && error.problem?.code === "totp_already_enabled")
        say("Two-factor authentication is on already.");
      else fail(error);
    }
  });
});

$("totp-confirm-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const form = event.currentTarget;
  busy(form.querySelector("button[type=submit]"), async () => {
    try {
      const codes = await auth.confirmTotp(form.code.value.replace(/\s/g, ""));
      form.reset();
      form.hidden = true;
      $("totp-secret").textContent = "";
      $("totp-qr").removeAttribute("src");
      $("totp-recovery-codes").replaceChildren(...codes.map((code) => {
        const item = document.createElement("li");
        item.textContent = code;
        return item;
      }));
      $("totp-recovery").hidden = false;
      say("Two-factor authentication is on.");
    } catch (error) {
      fail(error);
    }
  });
});

$("totp-recovery-done").addEventListener("click", () => {
  $("totp-recovery-codes").replaceChildren();
  $("totp-recovery").hidden = true;
});

$("totp-remove-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const form = event.currentTarget;
  busy(form.querySelector("button[type=submit]"), async () => {
    try {
      await auth.removeTotp(form.currentPassword.value);
      form.reset();
      say("Two-factor authentication is off; your other sessions were ended.");
      await loadSessions();
    } catch (error) {
      if (error instanceof MiniAuthError && error.problem?.code === "totp_not_enabled") say("Two-factor authentication is off already.");
      else fail(error);
    }
  });
});

$("show-forgot").addEventListener("click", showForgot);
$("forgot-back").addEventListener("click", () => chooseTab(true));

// The same words whether or not an account has this email: the service answers 202 either way.
$("forgot-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const form = event.currentTarget;
  busy(form.querySelector("button[type=submit]"), async () => {
    try {
      await auth.requestPasswordReset(form.email.value);
      form.reset();
      say("If an account has this email, a mail is on its way.");
    } catch (error) {
      say(problemText(error), "error");
    }
  });
});

$("reset-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const form = event.currentTarget;
  busy(form.querySelector("button[type=submit]"), async () => {
    try {
      await auth.resetPassword(resetToken, form.newPassword.value);
      resetToken = null;
      showSignedOut();
      chooseTab(true);
      say("Your new password is set. Log in with it.");
    } catch (error) {
      say(problemText(error), "error");
    }
  });
});

$("reset-cancel").addEventListener("click", () => {
  resetToken = null;
  $("reset-view").hidden = true;
  restoreOrShowSignedOut();
});

$("resend-verification").addEventListener("click", (event) => busy(event.currentTarget, async () => {
  try {
    await auth.resendVerification();
    say(`A new verification mail is on its way to ${$("profile-email").textContent}.`);
  } catch (error) {
    fail(error);
  }
}));

$("email-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const form = event.currentTarget;
  busy(form.querySelector("button[type=submit]"), async () => {
    try {
      const newEmail = form.newEmail.value;
      await auth.changeEmail(newEmail, form.currentPassword.value);
      form.reset();
      say(`A confirmation link is on its way to ${newEmail}. Your email changes once you follow it.`);
    } catch (error) {
      fail(error);
    }
  });
});

// Two steps: the password, then "Yes, delete my account".
$("delete-form").addEventListener("submit", (event) => {
  event.preventDefault();
  $("delete-confirm").hidden = false;
  $("delete-yes").focus();
});
$("delete-no").addEventListener("click", () => { $("delete-confirm").hidden = true; });
$("delete-yes").addEventListener("click", (event) => busy(event.currentTarget, async () => {
  const form = $("delete-form");
  try {
    // On 204 every tab signs out ("signedout", reason account_deleted), which says so.
    await auth.deleteAccount(form.currentPassword.value);
  } catch (error) {
    $("delete-confirm").hidden = true;
    fail(error);
  }
}));

window.addEventListener("hashchange", () => {
  const link = takeMailLink();
  if (link) openPage(link);
});

$("fetch-profile").addEventListener("click", (event) => busy(event.currentTarget, loadProfile));
$("refresh-sessions").addEventListener("click", (event) => busy(event.currentTarget, loadSessions));
$("logout").addEventListener("click", (event) => busy(event.currentTarget, async () => {
  try {
    await auth.logout();
  } catch (error) {
    // Signed out on this page already; the session ends when a retry reaches the service.
    say(error instanceof MiniAuthError
      ? `The service did not confirm the logout (${error.message}). It is retried when you next load this page.`
      : "The service could not be reached to end the session. It is retried when you next load this page.", "error");
  }
}));

// ---- start --------------------------------------------------------------------------

setUpPasskeys(auth, { say, fail, busy, problemText });

await openPage(takeMailLink());
