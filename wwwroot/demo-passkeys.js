// The demo page's passkeys: sign in with one alone, and, signed in, list, add and remove them.
// Everything goes through miniauth.js (registerPasskey, listPasskeys, removePasskey, loginWithPasskey).
import { MiniAuthError } from "./miniauth.js";

const $ = (id) => document.getElementById(id);
const when = (iso) => new Date(iso).toLocaleString([], { dateStyle: "medium", timeStyle: "short" });

// page: the demo's say, fail, busy and problemText.
export function setUpPasskeys(auth, page) {
  const supported = typeof globalThis.PublicKeyCredential?.parseRequestOptionsFromJSON === "function";
  $("passkey-login").hidden = !supported;
  $("passkeys-card").hidden = !supported;
  if (!supported) return;

  auth.addEventListener("signedin", () => loadPasskeys());
  auth.addEventListener("signedout", () => $("passkeys").replaceChildren());

  $("passkey-login").addEventListener("click", (event) => page.busy(event.currentTarget, async () => {
    try {
      await auth.loginWithPasskey();
    } catch (error) {
      page.say(explain(error), "error");
    }
  }));

  $("passkey-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const form = event.currentTarget;
    page.busy(form.querySelector("button[type=submit]"), async () => {
      try {
        const passkey = await auth.registerPasskey({ name: form.name.value || undefined });
        form.reset();
        page.say(`Passkey "${passkey.name}" added: you can sign in with it alone.`);
        await loadPasskeys();
      } catch (error) {
        if (error instanceof MiniAuthError) page.fail(error);
        else page.say(explain(error), "error");
      }
    });
  });

  $("refresh-passkeys").addEventListener("click", (event) => page.busy(event.currentTarget, loadPasskeys));

  async function loadPasskeys() {
    try {
      const passkeys = await auth.listPasskeys();
      $("passkeys").replaceChildren(...passkeys.map(passkeyRow));
      $("passkeys-note").hidden = passkeys.length > 0;
    } catch (error) {
      $("passkeys").replaceChildren();
      page.fail(error);
    }
  }

  function passkeyRow(passkey) {
    const row = $("passkey-row").content.firstElementChild.cloneNode(true);
    row.dataset.passkeyId = passkey.id;
    row.querySelector(".passkey-name").textContent = passkey.name;
    row.querySelector(".passkey-meta").textContent = [
      `added ${when(passkey.createdAt)}`,
      passkey.lastUsedAt ? `last used ${when(passkey.lastUsedAt)}` : "not used yet",
    ].join(" · ");
    const remove = row.querySelector(".remove");
    remove.addEventListener("click", async () => {
      remove.disabled = true;
      try {
        await auth.removePasskey(passkey.id);
        row.remove();
        $("passkeys-note").hidden = $("passkeys").children.length > 0;
        page.say(`Passkey "${passkey.name}" removed.`);
      } catch (error) {
        remove.disabled = false;
        page.fail(error);
      }
    });
    return row;
  }

  // The browser's refusals are DOMExceptions: most often the user closed the prompt.
  function explain(error) {
    if (error instanceof MiniAuthError) return page.problemText(error);
    if (error?.name === "NotAllowedError") return "The passkey prompt was closed or timed out.";
    if (error?.name === "InvalidStateError") return "This device already holds a passkey for this account.";
    return "The passkey could not be used on this device.";
  }
}
