// sw.js: Pronto's service worker, registered by the page script at the root scope,
// so that Pronto can be installed as an app. It shows what a push message carries
// (a title, a body and the conversation to open; the server decides how much of
// the message that is) and opens the conversation when the alert is clicked.
self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (e) => e.waitUntil(self.clients.claim()));

self.addEventListener("push", (e) => {
  let data = {};
  try { data = e.data ? e.data.json() : {}; } catch (_) { /* an empty alert */ }
  e.waitUntil(self.registration.showNotification(data.title || "Pronto", {
    body: data.body || "",
    tag: data.conversation_id ? "conversation-" + data.conversation_id : undefined,
    data: { url: data.conversation_id ? "/inbox?c=" + data.conversation_id : "/inbox" },
    icon: "/assets/icon.svg",
  }));
});

self.addEventListener("notificationclick", (e) => {
  e.notification.close();
  const url = (e.notification.data && e.notification.data.url) || "/inbox";
  e.waitUntil(self.clients.matchAll({ type: "window" }).then((windows) => {
    const open = windows.find((w) => new URL(w.url).origin === self.location.origin);
    if (open) return open.navigate(url).then((w) => w && w.focus());
    return self.clients.openWindow(url);
  }));
});
