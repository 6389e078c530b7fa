// The admin page at "/admin/": users, their sessions and events, invites. Everything goes
// through miniauth.js and the service's /admin routes; nothing here needs a backend of its own.
// Server strings only ever reach the page through textContent or an input's value.
import { createMiniAuth, MiniAuthError } from "../miniauth.js";

export const auth = createMiniAuth();

const $ = (id) => document.getElementById(id);
const when = (iso) => iso ? new Date(iso).toLocaleString([], { dateStyle: "medium", timeStyle: "short" }) : "never";

// What a problem's `code` means to an admin, where the service's detail is not enough.
const codeMessages = {
  last_admin: "This is the last enabled admin: it cannot be disabled, deleted or lose the admin role. Make another account an admin first.",
  cannot_change_self: "You cannot disable or delete your own account here; another admin can.",
  forbidden: "This account is not an admin.",
  user_not_found: "This user no longer exists.",
  account_disabled: "This account is disabled: enable it first.",
};

const signedOutMessages = {
  logout: "You are signed out.",
  "logout-in-other-tab": "You signed out in another tab.",
  forced_logout: "An administrator ended your session. Please log in again.",
  account_disabled: "This account has been disabled.",
  account_deleted: "This account has been deleted.",
  password_changed: "Your password was changed. Please log in again.",
  password_reset: "Your password was reset. Please log in again.",
};

let selected = null;      // the adminUser on show
let query = "";           // the search the list shows
let next = null;          // the list's cursor for "Load more"
// Users per page: 20, or ?limit=N in the page's address (1 to 100).
const pageSize = (() => {
  const asked = Number.parseInt(new URLSearchParams(location.search).get("limit") ?? "", 10);
  return asked >= 1 && asked <= 100 ? asked : 20;
})();

auth.addEventListener("signedin", () => showAdmin());
auth.addEventListener("signedout", (event) => {
  const wasKnown = $("status").dataset.state !== "unknown";
  showSignedOut();
  if (wasKnown) say(signedOutMessages[event.detail.reason] ?? "Your session has ended. Please log in again.");
});

// ---- calls ----------------------------------------------------------------------------

class NotAdmin extends Error {}

// One /admin call: JSON back (or null for 204), a MiniAuthError for a problem. A 403 forbidden
// means this account is not (or no longer) an admin: the page says so instead of its panels.
async function api(path, { method = "GET", body } = {}) {
  const init = { method, headers: {} };
  if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  const res = await auth.authFetch(path, init);
  if (res.ok) return res.status === 204 ? null : res.json();
  let problem = null;
  try { problem = await res.json(); } catch { /* not JSON */ }
  const error = new MiniAuthError(res.status, problem);
  if (res.status === 403 && (problem?.code ?? "forbidden") === "forbidden") {
    showNotAdmin();
    throw new NotAdmin(error.message);
  }
  throw error;
}

function problemText(error) {
  if (!(error instanceof MiniAuthError)) return "The service could not be reached.";
  const code = error.problem?.code;
  const fields = Object.entries(error.problem?.errors ?? {})
    .map(([field, messages]) => `${field}: ${[].concat(messages).join(" ")}`);
  if (fields.length) return fields.join(" ");
  return codeMessages[code] ?? error.message;
}

// A failure shown in the message bar; a sign-out or "not an admin" has said so already.
function fail(error) {
  if (error instanceof NotAdmin || !auth.isSignedIn) return;
  say(problemText(error), "error");
}

// ---- views ------------------------------------------------------------------------------

function setStatus(state, text) {
  $("status").dataset.state = state;
  $("status").textContent = text;
}

function say(text, kind = "info") {
  const message = $("message");
  message.hidden = !text;
  message.textContent = text ?? "";
  message.dataset.kind = kind;
}

function showOnly(view) {
  for (const id of ["signed-out", "not-admin", "admin-view"]) $(id).hidden = id !== view;
  $("logout").hidden = view === "signed-out";
}

function showSignedOut() {
  setStatus("signedout", "Signed out");
  showOnly("signed-out");
  closeUser();
  $("users").replaceChildren();
  $("invite-output").hidden = true;
  $("invite-form").reset();
}

function showNotAdmin() {
  showOnly("not-admin");
  closeUser();
  say(null);
}

async function showAdmin() {
  say(null);
  setStatus("signedin", "Signed in");
  try {
    const profile = await api("/profile");
    setStatus("signedin", profile.email);
  } catch (error) { fail(error); }
  // The first /admin call decides: a 403 shows "not an admin" instead of the panels.
  if (await loadUsers("")) showOnly("admin-view");
}

// ---- users --------------------------------------------------------------------------------

async function loadUsers(text, more = false) {
  const params = new URLSearchParams({ limit: String(pageSize) });
  if (text) params.set("query", text);
  if (more && next) params.set("cursor", next);
  try {
    const page = await api(`/admin/users?${params}`);
    query = text;
    next = page.next;
    const rows = page.items.map(userRow);
    if (more) $("users").append(...rows); else $("users").replaceChildren(...rows);
    $("users-more").hidden = !next;
    const note = $("users-note");
    note.hidden = $("users").children.length > 0;
    note.textContent = text ? "No user matches this search." : "No users.";
    return true;
  } catch (error) {
    fail(error);
    return false;
  }
}

function userRow(user) {
  const item = $("user-row").content.firstElementChild.cloneNode(true);
  const button = item.querySelector("button");
  button.dataset.userId = user.id;
  fillUserRow(button, user);
  button.addEventListener("click", () => openUser(user.id));
  return item;
}

function fillUserRow(button, user) {
  button.querySelector(".user-email").textContent = user.email;
  button.querySelector(".user-sub").textContent = [user.name, `last login ${when(user.lastLoginAt)}`].filter(Boolean).join(" · ");
  button.querySelector(".tag-admin").hidden = !user.roles.includes("admin");
  button.querySelector(".tag-disabled").hidden = !user.disabled;
  button.setAttribute("aria-current", String(selected?.id === user.id));
}

function rowOf(id) {
  return [...$("users").querySelectorAll("button.user-row")].find((b) => b.dataset.userId === id) ?? null;
}

async function openUser(id) {
  say(null);
  try {
    const user = await api(`/admin/users/${encodeURIComponent(id)}`);
    showUser(user);
    await Promise.all([loadSessions(user.id), loadEvents(user.id)]);
  } catch (error) {
    fail(error);
  }
}

function showUser(user) {
  selected = user;
  $("pick-user").hidden = true;
  $("user-card").hidden = false;
  $("sessions-card").hidden = false;
  $("user-title").textContent = user.name || user.email;
  $("user-email").textContent = user.email;
  $("user-name").textContent = user.name || "—";
  $("user-id").textContent = user.id;
  const state = $("user-disabled");
  state.textContent = user.disabled ? "Disabled" : "Enabled";
  state.className = user.disabled ? "state-disabled" : "state-enabled";
  $("user-roles").textContent = user.roles.length ? user.roles.join(", ") : "none";
  $("user-verified").textContent = user.emailVerified ? "Yes" : "No";
  $("user-last-login").textContent = when(user.lastLoginAt);
  $("user-mfa").textContent = user.mfa?.length ? user.mfa.join(", ") : "None";
  $("user-created").textContent = when(user.createdAt);
  $("toggle-disabled").textContent = user.disabled ? "Enable" : "Disable";
  $("toggle-disabled").className = user.disabled ? "" : "danger";
  $("roles-form").roles.value = user.roles.join(", ");
  $("delete-confirm").hidden = true;
  for (const row of $("users").querySelectorAll("button.user-row"))
    row.setAttribute("aria-current", String(row.dataset.userId === user.id));
  const row = rowOf(user.id);
  if (row) fillUserRow(row, user);
}

function closeUser() {
  selected = null;
  for (const id of ["user-card", "sessions-card", "events-card", "reset-output", "delete-confirm"]) $(id).hidden = true;
  $("pick-user").hidden = false;
  for (const row of $("users").querySelectorAll("button.user-row")) row.setAttribute("aria-current", "false");
}

async function loadSessions(id) {
  const note = $("sessions-note");
  try {
    const sessions = await api(`/admin/users/${encodeURIComponent(id)}/sessions`);
    sessions.sort((a, b) => Date.parse(b.lastUsedAt) - Date.parse(a.lastUsedAt));
    $("user-sessions").replaceChildren(...sessions.map(sessionRow));
    note.hidden = sessions.length > 0;
    note.textContent = "No live sessions.";
    $("end-sessions").disabled = sessions.length === 0;
  } catch (error) {
    $("user-sessions").replaceChildren();
    fail(error);
  }
}

function sessionRow(session) {
  const row = $("session-row").content.firstElementChild.cloneNode(true);
  row.dataset.sessionId = session.id;
  row.querySelector(".session-agent").textContent = session.userAgent ? session.userAgent.slice(0, 80) : "Unknown device";
  row.querySelector(".badge").hidden = !session.current;
  row.querySelector(".session-meta").textContent = [
    session.ipAddress, `last used ${when(session.lastUsedAt)}`, `since ${when(session.createdAt)}`,
  ].filter(Boolean).join(" · ");
  return row;
}

// GET /admin/audit may not exist on this service yet: a 404 hides the panel.
async function loadEvents(id) {
  const card = $("events-card");
  const note = $("events-note");
  try {
    const page = await api(`/admin/audit?${new URLSearchParams({ userId: id, limit: "20" })}`);
    const items = page?.items ?? [];
    $("user-events").replaceChildren(...items.map(eventRow));
    note.hidden = items.length > 0;
    note.textContent = "No events.";
    card.hidden = false;
  } catch (error) {
    $("user-events").replaceChildren();
    card.hidden = true;
    if (!(error instanceof MiniAuthError && (error.status === 404 || error.status === 405))) fail(error);
  }
}

function eventRow(event) {
  const row = $("event-row").content.firstElementChild.cloneNode(true);
  row.querySelector(".event-type").textContent = event.type;
  row.querySelector(".event-meta").textContent = [when(event.at), event.ipAddress].filter(Boolean).join(" · ");
  row.querySelector(".event-detail").textContent = describeDetail(event.detail);
  return row;
}

// detail is the event's other fields as a JSON object (or null): shown as "key=value" pairs.
function describeDetail(detail) {
  if (detail === null || detail === undefined) return "";
  if (typeof detail !== "object") return String(detail);
  return Object.entries(detail)
    .map(([key, value]) => `${key}=${typeof value === "object" && value !== null ? JSON.stringify(value) : value}`)
    .join(" · ");
}

// ---- actions ------------------------------------------------------------------------------

async function busy(button, work) {
  button.disabled = true;
  try { await work(); } finally { button.disabled = false; }
}

function rolesFrom(text) {
  return text.split(",").map((r) => r.trim()).filter(Boolean);
}

async function patchSelected(body, done) {
  const id = selected.id;
  try {
    showUser(await api(`/admin/users/${encodeURIComponent(id)}`, { method: "PATCH", body }));
    say(done);
    await loadSessions(id);
    await loadEvents(id);
  } catch (error) {
    fail(error);
  }
}

$("login-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const form = event.currentTarget;
  busy(form.querySelector("button"), async () => {
    try {
      await auth.login({ email: form.email.value, password: form.password.value });
      form.reset();
    } catch (error) {
      say(problemText(error), "error");
    }
  });
});

$("logout").addEventListener("click", (event) => busy(event.currentTarget, async () => {
  try {
    await auth.logout();
  } catch {
    say("The service did not confirm the logout. It is retried when you next load this page.", "error");
  }
}));

$("search-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const form = event.currentTarget;
  busy(form.querySelector("button"), () => loadUsers(form.query.value.trim()));
});
$("reload-users").addEventListener("click", (event) => busy(event.currentTarget, () => loadUsers(query)));
$("users-more").addEventListener("click", (event) => busy(event.currentTarget, () => loadUsers(query, true)));
$("close-user").addEventListener("click", closeUser);

$("toggle-disabled").addEventListener("click", (event) => busy(event.currentTarget, () => {
  const disable = !selected.disabled;
  return patchSelected({ disabled: disable },
    disable ? `${selected.email} is disabled; every session of it has ended.` : `${selected.email} is enabled again.`);
}));

$("roles-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const form = event.currentTarget;
  busy(form.querySelector("button"), () =>
    patchSelected({ roles: rolesFrom(form.roles.value) }, "Roles saved. They show in the user's next access token."));
});

$("reset-link").addEventListener("click", (event) => busy(event.currentTarget, async () => {
  try {
    const issued = await api(`/admin/users/${encodeURIComponent(selected.id)}/password-reset`, { method: "POST" });
    $("reset-link-value").value = issued.link;
    $("reset-expires").textContent = `Valid until ${when(issued.expiresAt)}; it replaces earlier reset links. Pass it on to the user.`;
    $("reset-output").hidden = false;
    say(null);
  } catch (error) {
    fail(error);
  }
}));

$("delete-user").addEventListener("click", () => {
  $("delete-confirm-text").textContent = `Delete ${selected.email}? The account and all its sessions are removed for good.`;
  $("delete-confirm").hidden = false;
  $("delete-no").focus();
});
$("delete-no").addEventListener("click", () => { $("delete-confirm").hidden = true; });
$("delete-yes").addEventListener("click", (event) => busy(event.currentTarget, async () => {
  const { id, email } = selected;
  try {
    await api(`/admin/users/${encodeURIComponent(id)}`, { method: "DELETE" });
    rowOf(id)?.closest("li")?.remove();
    closeUser();
    say(`${email} is deleted.`);
  } catch (error) {
    $("delete-confirm").hidden = true;
    fail(error);
  }
}));

$("end-sessions").addEventListener("click", (event) => busy(event.currentTarget, async () => {
  const id = selected.id;
  try {
    await api(`/admin/users/${encodeURIComponent(id)}/sessions`, { method: "DELETE" });
    say("Every session of this user has ended.");
    await loadSessions(id);
  } catch (error) {
    fail(error);
  }
}));

$("invite-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const form = event.currentTarget;
  busy(form.querySelector("button"), async () => {
    const body = {};
    if (form.email.value.trim()) body.email = form.email.value.trim();
    const roles = rolesFrom(form.roles.value);
    if (roles.length) body.roles = roles;
    try {
      const invite = await api("/admin/invites", { method: "POST", body });
      $("invite-code").value = invite.code;
      $("invite-link").value = invite.link;
      $("invite-expires").textContent = `Single use, valid until ${when(invite.expiresAt)}.`;
      $("invite-output").hidden = false;
      form.reset();
      say(null);
    } catch (error) {
      fail(error);
    }
  });
});

for (const button of document.querySelectorAll("button.copy")) {
  button.addEventListener("click", async () => {
    const input = $(button.dataset.copy);
    input.select();
    try {
      await navigator.clipboard.writeText(input.value);
      say("Copied.");
    } catch {
      say("Select the text and copy it.");
    }
  });
}

// ---- start ----------------------------------------------------------------------------------

try {
  if (!(await auth.restore())) showSignedOut();
} catch {
  showSignedOut();
  say("The service could not be reached.", "error");
}
