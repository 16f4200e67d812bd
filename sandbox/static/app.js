// Samenspraak sandbox: a Telegram-like web chat on top of the fake Bot API.
// Plain JavaScript, no build step. Bot text is never parsed as HTML: messages are built
// as DOM nodes from the text and its Telegram entities.
"use strict";

(() => {
  const $ = (id) => document.getElementById(id);
  const el = (tag, className, text) => {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  };
  const svgIcon = (path) => {
    const ns = "http://www.w3.org/2000/svg";
    const svg = document.createElementNS(ns, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    const p = document.createElementNS(ns, "path");
    p.setAttribute("d", path);
    svg.append(p);
    return svg;
  };
  // Every language the bot has a catalog for, by code, in English (from /api/state).
  const LANGUAGE_NAMES = {};
  const ICON_CHECKS = "M1.5 12.5 5 16l8-9M9 16l1 1 8-10";
  const ICON_FILE = "M6 2h8l6 6v14H6zm7 1.5V9h5.5z";
  const ICON_LINK = "M14 3h7v7h-2V6.4l-8.3 8.3-1.4-1.4L17.6 5H14zM5 5h6v2H6v11h11v-5h2v7H4V5z";

  const state = {
    epoch: 0,
    bot: { name: "Samenspraak", username: "" },
    chats: new Map(), // id -> summary
    active: null, // chat id
    messages: new Map(), // chat id -> Map(message id -> view)
    unread: new Map(),
    typing: new Map(), // chat id -> timeout handle
    pending: new Map(), // callback query id -> {button}
    loading: new Map(), // chat id -> events received while its history loads
    focusLost: false, // the focused button vanished with its message (edited or deleted)
    commandsByTyping: false,
    connected: false,
  };

  // ------------------------------------------------------------------ server

  async function api(method, path, body) {
    const options = { method, headers: { "X-Sandbox": "1" } };
    if (body instanceof FormData) {
      options.body = body;
    } else if (body !== undefined) {
      options.headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(body);
    }
    const response = await fetch(path, options);
    let data = null;
    try {
      data = await response.json();
    } catch (_) {
      data = null;
    }
    if (!response.ok) {
      throw new Error((data && data.error) || `The sandbox answered ${response.status}`);
    }
    return data;
  }

  // ------------------------------------------------------------------ formatting

  const SAFE_PROTOCOLS = new Set(["http:", "https:", "mailto:", "tel:"]);

  function safeUrl(raw) {
    let text = String(raw || "").trim();
    if (!text) return null;
    if (!/^[a-z][a-z0-9+.-]*:/i.test(text)) text = `http://${text}`;
    try {
      const url = new URL(text);
      return SAFE_PROTOCOLS.has(url.protocol) ? url.href : null;
    } catch (_) {
      return null;
    }
  }

  function link(href, label) {
    const a = el("a", "text-link");
    a.href = href;
    a.target = "_blank";
    a.rel = "noopener noreferrer";
    a.textContent = label;
    return a;
  }

  // The element for one entity; its children are filled in by buildText.
  function entityElement(entity, inner) {
    switch (entity.type) {
      case "bold":
        return el("strong");
      case "italic":
        return el("em");
      case "underline":
        return el("u");
      case "strikethrough":
        return el("s");
      case "code":
        return el("code", "inline-code");
      case "pre": {
        const pre = el("pre", "pre");
        if (entity.language) pre.dataset.language = entity.language;
        return pre;
      }
      case "blockquote":
      case "expandable_blockquote":
        return el("blockquote", "quote");
      case "spoiler": {
        const span = el("span", "spoiler");
        span.tabIndex = 0;
        span.setAttribute("role", "button");
        span.setAttribute("aria-label", "Hidden text, press to show");
        const reveal = () => {
          span.classList.add("revealed");
          span.removeAttribute("role");
          span.removeAttribute("aria-label");
          span.removeAttribute("tabindex");
        };
        span.addEventListener("click", reveal);
        span.addEventListener("keydown", (event) => {
          if (event.key === "Enter" || event.key === " ") {
            event.preventDefault();
            reveal();
          }
        });
        return span;
      }
      case "text_link": {
        const href = safeUrl(entity.url);
        return href ? link(href, "") : el("span", "link-like");
      }
      case "url": {
        const href = safeUrl(inner);
        return href ? link(href, "") : el("span");
      }
      case "email":
        return link(`mailto:${inner}`, "");
      case "phone_number":
        return link(`tel:${inner.replace(/[^+\d]/g, "")}`, "");
      case "bot_command": {
        const button = el("button", "inline-command");
        button.type = "button";
        button.title = `Send ${inner}`;
        button.addEventListener("click", () => sendText(inner.split("@")[0]));
        return button;
      }
      case "mention":
      case "hashtag":
      case "cashtag":
      case "text_mention":
        return el("span", "mention");
      default:
        return el("span");
    }
  }

  // Telegram's apps turn /commands and web addresses in plain text into links.
  const AUTO = /(^|[\s(])(\/[A-Za-z][A-Za-z0-9_]{0,31}(?:@[A-Za-z0-9_]{3,32})?)(?=$|[\s.,;:!?)])|https?:\/\/[^\s<>"']*[^\s<>"'.,;:!?)]/g;
  const NO_AUTO = new Set([
    "code", "pre", "text_link", "url", "email", "phone_number", "bot_command", "mention",
    "hashtag", "cashtag", "text_mention", "spoiler",
  ]);

  function appendPlain(parent, text, auto) {
    if (!auto) {
      parent.append(text);
      return;
    }
    let position = 0;
    for (const match of text.matchAll(AUTO)) {
      const lead = match[1] || "";
      const start = match.index + lead.length;
      const token = match[2] || match[0];
      if (start > position) parent.append(text.slice(position, start));
      if (match[2]) {
        // A button breaks the line after it; keep punctuation that follows with it.
        const command = entityElement({ type: "bot_command" }, token);
        command.textContent = token;
        const tail = /^[.,;:!?)]+/.exec(text.slice(start + token.length));
        if (tail) {
          const glue = el("span", "nowrap");
          glue.append(command, tail[0]);
          parent.append(glue);
          position = start + token.length + tail[0].length;
          continue;
        }
        parent.append(command);
      } else {
        const href = safeUrl(token);
        parent.append(href ? link(href, token) : token);
      }
      position = start + token.length;
    }
    if (position < text.length) parent.append(text.slice(position));
  }

  // Telegram entities count UTF-16 code units, as JavaScript strings do.
  function buildText(text, entities) {
    const fragment = document.createDocumentFragment();
    const list = (entities || [])
      .filter((e) => Number.isInteger(e.offset) && Number.isInteger(e.length) && e.length > 0)
      .sort((a, b) => a.offset - b.offset || b.length - a.length);

    function fill(parent, start, end, items, auto) {
      let position = start;
      let i = 0;
      while (i < items.length) {
        const entity = items[i];
        const from = Math.max(entity.offset, position);
        const to = Math.min(entity.offset + entity.length, end);
        i += 1;
        const children = [];
        while (i < items.length && items[i].offset < to) {
          children.push(items[i]);
          i += 1;
        }
        if (from >= to) continue;
        if (from > position) appendPlain(parent, text.slice(position, from), auto);
        const node = entityElement(entity, text.slice(from, to));
        const target = node.tagName === "PRE" ? node.appendChild(el("code")) : node;
        fill(target, from, to, children, auto && !NO_AUTO.has(entity.type));
        parent.append(node);
        position = to;
      }
      if (position < end) appendPlain(parent, text.slice(position, end), auto);
    }

    fill(fragment, 0, text.length, list, true);
    return fragment;
  }

  const timeFormat = new Intl.DateTimeFormat(undefined, {
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  });
  const dayFormat = new Intl.DateTimeFormat(undefined, { day: "numeric", month: "long" });

  function dayLabel(seconds) {
    const date = new Date(seconds * 1000);
    const today = new Date();
    if (date.toDateString() === today.toDateString()) return "Today";
    return dayFormat.format(date);
  }

  function fileSize(bytes) {
    if (!bytes) return "";
    if (bytes < 1024) return `${bytes} B`;
    if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
    return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  }

  const HUES = ["#c0464f", "#c0671d", "#7360c8", "#3c8a2e", "#23848a", "#2f73b5", "#b8407f"];

  function avatarColor(id) {
    return HUES[Math.abs(Number(id)) % HUES.length];
  }

  function initials(name) {
    const words = String(name || "?").trim().split(/\s+/);
    const letters = words.length > 1 ? words[0][0] + words[1][0] : words[0].slice(0, 1);
    return letters.toUpperCase();
  }

  function paintAvatar(node, id, name) {
    node.textContent = initials(name);
    node.style.backgroundColor = avatarColor(id);
  }

  // ------------------------------------------------------------------ messages

  function mediaNode(media, message) {
    if (!media) return null;
    const kind = media.type;
    if (kind === "photo" && media.url) {
      const figure = el("figure", "photo");
      const a = el("a");
      a.href = media.url;
      a.target = "_blank";
      a.rel = "noopener";
      const img = el("img");
      img.src = media.url;
      img.alt = message.text ? `Image: ${message.text}` : `Image from ${message.from || "the bot"}`;
      if (media.width && media.height) {
        img.width = media.width;
        img.height = media.height;
      }
      img.loading = "lazy";
      a.append(img);
      figure.append(a);
      return figure;
    }
    if (kind === "document") {
      const box = el("div", "document");
      const icon = el("span", "document-icon");
      icon.append(svgIcon(ICON_FILE));
      const body = el("span", "document-body");
      if (media.url) {
        const a = el("a", "document-name", media.name);
        a.href = media.url;
        a.download = media.name;
        a.setAttribute("aria-label", `Download ${media.name}`);
        body.append(a);
      } else {
        body.append(el("span", "document-name", media.name));
      }
      body.append(el("span", "document-size", fileSize(media.size) || "file"));
      box.append(icon, body);
      return box;
    }
    if (kind === "sticker") return el("div", "sticker", media.emoji);
    if (kind === "location") {
      return el("div", "media-note", `📍 Location ${media.latitude}, ${media.longitude}`);
    }
    if (kind === "contact") return el("div", "media-note", `👤 ${media.name} ${media.phone || ""}`);
    if (kind === "poll") {
      const box = el("div", "media-note");
      box.append(el("strong", "", `📊 ${media.question}`));
      const ul = el("ul", "poll-options");
      for (const option of media.options || []) ul.append(el("li", "", option));
      box.append(ul);
      return box;
    }
    if (kind === "dice") return el("div", "sticker", media.emoji);
    const labels = { voice: "🎤 Voice message", audio: "🎵 Audio", video: "🎬 Video" };
    const label = labels[kind] || `[${kind}]`;
    if (media.url) {
      const box = el("div", "media-note");
      const a = link(media.url, label);
      box.append(a);
      return box;
    }
    return el("div", "media-note", label);
  }

  function keyboardNode(message) {
    if (!message.keyboard || !message.keyboard.length) return null;
    const box = el("div", "inline-keyboard");
    box.setAttribute("role", "group");
    box.setAttribute("aria-label", "Answer buttons");
    for (const row of message.keyboard) {
      const line = el("div", "keyboard-row");
      for (const button of row) {
        if (button.url) {
          const href = safeUrl(button.url);
          const a = el("a", "inline-button", button.text);
          a.dir = "auto";
          if (href) {
            a.href = href;
            a.target = "_blank";
            a.rel = "noopener noreferrer";
            a.append(svgIcon(ICON_LINK));
          }
          line.append(a);
          continue;
        }
        const b = el("button", "inline-button", button.text);
        b.type = "button";
        b.dir = "auto";
        if (button.data !== undefined) {
          b.dataset.data = button.data;
          b.addEventListener("click", () => press(message.chat_id, message.id, button.data, b));
        } else if (button.copy !== undefined) {
          b.addEventListener("click", async () => {
            try {
              await navigator.clipboard.writeText(button.copy);
              toast("Copied");
            } catch (_) {
              toast("Could not copy");
            }
          });
        } else {
          b.disabled = true;
          b.title = `A ${button.unsupported} button does not work in the sandbox`;
        }
        line.append(b);
      }
      box.append(line);
    }
    return box;
  }

  function metaNode(message) {
    const meta = el("span", "meta");
    if (message.edited) meta.append(el("span", "edited", "edited"));
    const time = el("time", "", timeFormat.format(new Date(message.date * 1000)));
    time.dateTime = new Date(message.date * 1000).toISOString();
    meta.append(time);
    if (message.out) {
      const checks = el("span", "checks");
      checks.append(svgIcon(ICON_CHECKS));
      meta.append(checks);
    }
    return meta;
  }

  function messageNode(message, chat) {
    const item = el("li", `message ${message.out ? "out" : "in"}`);
    item.id = `m-${message.chat_id}-${message.id}`;
    item.dataset.id = message.id;
    item.dataset.day = new Date(message.date * 1000).toDateString();
    const body = el("div", "message-body");
    const bubble = el("div", "bubble");
    if (chat && chat.language) bubble.lang = chat.language;
    const who = message.out ? (chat && chat.kind === "group" ? message.from : "You") : message.from;
    bubble.append(el("span", "sr-only", `${who}: `));
    if (!message.out && chat && chat.kind === "group") {
      bubble.append(el("span", "sender", message.from));
    }
    if (message.reply_to) {
      const quote = el("div", "reply-quote");
      quote.append(el("span", "reply-from", message.reply_to.from));
      quote.append(el("span", "reply-text", message.reply_to.text));
      bubble.append(quote);
    }
    const media = mediaNode(message.media, message);
    if (media) {
      bubble.append(media);
      if (message.media.type === "photo" && !message.text) bubble.classList.add("photo-only");
      if (message.media.type === "sticker") bubble.classList.add("sticker-only");
    }
    const text = el("div", "text");
    // Arabic reads right to left: each line takes the direction of its own first letter,
    // as in Telegram (with unicode-bidi: plaintext in app.css).
    text.dir = "auto";
    if (message.text) text.append(buildText(message.text, message.entities));
    text.append(metaNode(message));
    bubble.append(text);
    body.append(bubble);
    const keyboard = keyboardNode(message);
    if (keyboard) body.append(keyboard);
    item.append(body);
    return item;
  }

  function daySeparator(date) {
    const item = el("li", "day");
    item.setAttribute("aria-hidden", "true");
    item.append(el("span", "", dayLabel(date)));
    item.dataset.day = new Date(date * 1000).toDateString();
    return item;
  }

  // ------------------------------------------------------------------ rendering

  const list = $("messages");

  function chatMessages(chatId) {
    if (!state.messages.has(chatId)) state.messages.set(chatId, new Map());
    return state.messages.get(chatId);
  }

  function nearBottom() {
    return list.scrollHeight - list.scrollTop - list.clientHeight < 160;
  }

  function scrollToBottom() {
    list.scrollTop = list.scrollHeight;
  }

  function markTails() {
    const items = [...list.querySelectorAll("li.message")];
    items.forEach((item, i) => {
      const next = items[i + 1];
      const side = item.classList.contains("out");
      const last = !next || next.classList.contains("out") !== side;
      item.classList.toggle("tail", last);
      const prev = items[i - 1];
      const first = !prev || prev.classList.contains("out") !== side;
      item.classList.toggle("first", first);
    });
  }

  // A whole chat is drawn at once: screen readers are told about new messages only.
  function quietly(draw) {
    list.setAttribute("aria-live", "off");
    draw();
    setTimeout(() => list.setAttribute("aria-live", "polite"), 0);
  }

  function renderChat() {
    quietly(drawChat);
  }

  function drawChat() {
    const chat = state.chats.get(state.active);
    list.replaceChildren();
    if (!chat) return;
    let day = null;
    for (const message of [...chatMessages(chat.id).values()].sort((a, b) => a.id - b.id)) {
      const thisDay = new Date(message.date * 1000).toDateString();
      if (thisDay !== day) {
        list.append(daySeparator(message.date));
        day = thisDay;
      }
      list.append(messageNode(message, chat));
    }
    markTails();
    renderEmptyNote();
    renderReplyKeyboard();
    renderComposer();
    scrollToBottom();
  }

  function insertMessage(message) {
    const chat = state.chats.get(message.chat_id);
    const stick = message.out || nearBottom();
    const node = messageNode(message, chat);
    const existing = $(node.id);
    if (existing) {
      const focused = existing.contains(document.activeElement) ? document.activeElement : null;
      existing.replaceWith(node);
      if (focused) restoreFocus(node, focused);
    } else {
      const later = [...list.querySelectorAll("li.message")].find(
        (item) => Number(item.dataset.id) > message.id,
      );
      const before = later || null;
      const previous = before ? before.previousElementSibling : list.lastElementChild;
      const day = node.dataset.day;
      if (!previous || previous.dataset.day !== day) list.insertBefore(daySeparator(message.date), before);
      list.insertBefore(node, before);
    }
    markTails();
    renderEmptyNote();
    renderReplyKeyboard();
    renderComposer();
    if (stick) scrollToBottom();
    if (!message.out) settleFocus();
  }

  function removeMessage(chatId, messageId) {
    const node = $(`m-${chatId}-${messageId}`);
    if (!node) return;
    const hadFocus = node.contains(document.activeElement);
    const previous = node.previousElementSibling;
    node.remove();
    if (previous && previous.classList.contains("day")) {
      const next = previous.nextElementSibling;
      if (!next || next.classList.contains("day")) previous.remove();
    }
    markTails();
    renderEmptyNote();
    renderReplyKeyboard();
    if (hadFocus) {
      state.focusLost = true;
      settleFocus();
    }
  }

  // Keep keyboard users in place when the message they were on is edited: the same button
  // (same data) gets the focus back; if it is gone, the next question's first button does
  // (or the answer box). Focus the user moved themselves is never taken away.
  function restoreFocus(node, focused) {
    const data = focused.dataset ? focused.dataset.data : undefined;
    if (data !== undefined) {
      const same = [...node.querySelectorAll("button.inline-button")].find(
        (b) => b.dataset.data === data,
      );
      if (same) {
        same.focus();
        return;
      }
    }
    state.focusLost = true;
    settleFocus();
  }

  let settleTimer = null;

  function settleFocus() {
    if (!state.focusLost) return;
    clearTimeout(settleTimer);
    settleTimer = setTimeout(() => {
      if (!state.focusLost) return;
      state.focusLost = false;
      const active = document.activeElement;
      if (active && active !== document.body && active.isConnected) return;
      const items = list.querySelectorAll("li.message");
      const last = items[items.length - 1];
      const button = last && last.querySelector("button.inline-button:not([disabled])");
      const target = button || (!$("composer").hidden && $("composer-text"));
      if (target) target.focus();
    }, 150);
  }

  function renderEmptyNote() {
    const chat = state.chats.get(state.active);
    const note = $("empty-note");
    const empty = !chat || chatMessages(chat.id).size === 0;
    note.hidden = !empty;
    if (!empty || !chat) return;
    note.replaceChildren();
    const card = el("div", "empty-card");
    if (chat.kind === "group") {
      card.append(el("p", "empty-title", "The civil servants' group"));
      card.append(
        el("p", "", "The bot sends its summaries here. You type as " + `${chat.sender_name}.`),
      );
      const p = el("p", "");
      p.append("Try ");
      const b = el("button", "inline-command", "/digest");
      b.type = "button";
      b.addEventListener("click", () => sendText("/digest"));
      p.append(b, " for an overview of the answers.");
      card.append(p);
    } else if (chat.kind === "admin") {
      card.append(el("p", "empty-title", "The administrator's private chat"));
      card.append(
        el(
          "p",
          "",
          `User id ${chat.user_id} is an administrator of the bot. Send a questionnaire ` +
            "(a YAML file) with the paperclip to publish it.",
        ),
      );
    } else {
      card.append(el("p", "empty-title", `${state.bot.name}`));
      card.append(
        el(
          "p",
          "",
          "The municipality's survey bot. Press Start to talk to it as " +
            `${chat.title}, whose Telegram app is in ${LANGUAGE_NAMES[chat.language] || chat.language}.`,
        ),
      );
    }
    note.append(card);
  }

  function currentReplyKeyboard() {
    const messages = [...chatMessages(state.active).values()].sort((a, b) => b.id - a.id);
    for (const message of messages) {
      if (!message.reply_keyboard) continue;
      return message.reply_keyboard.remove ? null : message.reply_keyboard;
    }
    return null;
  }

  function renderReplyKeyboard() {
    const box = $("reply-keyboard");
    const keyboard = state.active !== null ? currentReplyKeyboard() : null;
    box.replaceChildren();
    box.hidden = !keyboard;
    if (!keyboard) return;
    for (const row of keyboard.rows) {
      const line = el("div", "keyboard-row");
      for (const button of row) {
        const b = el("button", "reply-button", button.text);
        b.type = "button";
        b.dir = "auto";
        b.addEventListener("click", () => {
          if (button.request === "contact") send({ contact: true });
          else if (button.request === "location") send({ location: true });
          else sendText(button.text);
        });
        line.append(b);
      }
      box.append(line);
    }
    if (keyboard.placeholder) $("composer-text").placeholder = keyboard.placeholder;
  }

  function renderComposer() {
    const chat = state.chats.get(state.active);
    const fresh = chat && chat.kind !== "group" && chatMessages(chat.id).size === 0;
    $("start-bar").hidden = !fresh;
    $("composer").hidden = Boolean(fresh) || !chat;
    if (!currentReplyKeyboard()) $("composer-text").placeholder = "Message";
  }

  function renderHeader() {
    const chat = state.chats.get(state.active);
    if (!chat) return;
    const avatar = $("chat-avatar");
    if (chat.kind === "group") {
      $("chat-title").textContent = chat.title;
      avatar.className = "avatar";
      paintAvatar(avatar, chat.id, chat.title);
      $("chat-as-text").textContent = `you: ${chat.sender_name}`;
    } else {
      $("chat-title").textContent = state.bot.name;
      avatar.textContent = "S";
      avatar.style.backgroundColor = "";
      avatar.className = "avatar avatar-bot";
      const role = chat.kind === "admin" ? "admin" : chat.language.toUpperCase();
      $("chat-as-text").textContent = `you: ${chat.title} · ${role}`;
    }
    paintAvatar($("chat-as-avatar"), chat.user_id, chat.sender_name);
    $("chat-as").title = $("chat-as-text").textContent;
    renderStatus();
    renderCommands();
    document.title = `${chat.title} · Samenspraak sandbox`;
  }

  function renderStatus() {
    const chat = state.chats.get(state.active);
    const status = $("chat-status");
    if (!state.connected) {
      status.textContent = "connecting…";
      return;
    }
    if (chat && state.typing.has(chat.id)) {
      status.textContent = chat.kind === "group" ? `${state.bot.name} is typing…` : "typing…";
      status.classList.add("typing");
      return;
    }
    status.classList.remove("typing");
    if (!chat) status.textContent = "";
    else if (chat.kind === "group") status.textContent = "2 members";
    else status.textContent = "bot";
  }

  function previewText(chat) {
    const last = chat.last;
    if (!last) return chat.kind === "resident" ? "New chat: press Start" : "No messages yet";
    let text = last.text || "";
    if (!text && last.media) text = last.media.type === "document" ? `📄 ${last.media.name}` : `[${last.media.type}]`;
    text = text.replace(/\s+/g, " ");
    return last.out ? `You: ${text}` : text;
  }

  function chatItem(chat) {
    const li = el("li");
    const button = el("button", "chat-item");
    button.type = "button";
    button.dataset.chat = chat.id;
    if (chat.id === state.active) button.setAttribute("aria-current", "true");
    const avatar = el("span", "avatar");
    avatar.setAttribute("aria-hidden", "true");
    paintAvatar(avatar, chat.id, chat.title);
    const body = el("span", "chat-item-body");
    const top = el("span", "chat-item-top");
    top.append(el("span", "chat-item-title", chat.title));
    if (chat.kind === "resident") top.append(el("span", "tag", chat.language.toUpperCase()));
    if (chat.kind === "admin") top.append(el("span", "tag", "admin"));
    if (chat.kind === "group") top.append(el("span", "tag", "group"));
    if (chat.last) {
      top.append(el("time", "chat-item-time", timeFormat.format(new Date(chat.last.date * 1000))));
    }
    body.append(top);
    body.append(el("span", "chat-item-preview", previewText(chat)));
    button.append(avatar, body);
    const unread = state.unread.get(chat.id) || 0;
    if (unread) {
      const badge = el("span", "badge", unread > 99 ? "99+" : unread);
      badge.setAttribute("aria-label", `${unread} unread`);
      button.append(badge);
    }
    button.addEventListener("click", () => selectChat(chat.id, { focus: true }));
    li.append(button);
    return li;
  }

  function renderList() {
    const residents = $("residents-list");
    const council = $("council-list");
    const focusedChat = document.activeElement && document.activeElement.dataset
      ? document.activeElement.dataset.chat
      : undefined;
    residents.replaceChildren();
    council.replaceChildren();
    for (const chat of state.chats.values()) {
      (chat.kind === "resident" ? residents : council).append(chatItem(chat));
    }
    if (focusedChat !== undefined) {
      const again = document.querySelector(`.chat-item[data-chat="${CSS.escape(focusedChat)}"]`);
      if (again) again.focus();
    }
  }

  function renderCommands() {
    const chat = state.chats.get(state.active);
    const ul = $("commands-list");
    ul.replaceChildren();
    const filter = state.commandsByTyping ? $("composer-text").value.slice(1).toLowerCase() : "";
    const commands = ((chat && chat.commands) || []).filter((c) => c.command.startsWith(filter));
    for (const command of commands) {
      const li = el("li");
      const b = el("button", "command");
      b.type = "button";
      b.append(el("span", "command-name", `/${command.command}`));
      b.append(el("span", "command-text", command.description));
      b.addEventListener("click", () => {
        closeCommands(false);
        sendText(`/${command.command}`);
      });
      li.append(b);
      ul.append(li);
    }
    $("menu-button").hidden = !(chat && chat.commands && chat.commands.length);
    if (!commands.length && !$("commands").hidden) closeCommands(false);
  }

  function openCommands(byTyping) {
    state.commandsByTyping = byTyping;
    renderCommands();
    if (!$("commands-list").children.length) return;
    $("commands").hidden = false;
    $("menu-button").setAttribute("aria-expanded", "true");
    if (!byTyping) $("commands-list").querySelector("button").focus();
  }

  function closeCommands(returnFocus) {
    $("commands").hidden = true;
    $("menu-button").setAttribute("aria-expanded", "false");
    state.commandsByTyping = false;
    if (returnFocus) $("menu-button").focus();
  }

  let toastTimer = null;

  function toast(text) {
    const box = $("toast");
    box.textContent = text;
    box.classList.add("visible");
    clearTimeout(toastTimer);
    toastTimer = setTimeout(() => {
      box.classList.remove("visible");
      box.textContent = "";
    }, 4000);
  }

  function alertBox(text) {
    $("alert-dialog-title").textContent = state.bot.name;
    $("alert-dialog-text").textContent = text;
    $("alert-dialog").showModal();
  }

  // ------------------------------------------------------------------ actions

  async function selectChat(chatId, { focus = false } = {}) {
    if (!state.chats.has(chatId)) return;
    state.active = chatId;
    state.unread.delete(chatId);
    history.replaceState(null, "", `#chat=${chatId}`);
    $("app").dataset.view = "chat";
    closeCommands(false);
    renderList();
    renderHeader();
    renderChat();
    await loadMessages(chatId);
    if (focus) {
      const start = $("start-bar");
      (start.hidden ? $("composer-text") : $("start-button")).focus();
    }
  }

  // Events that arrive while a chat's history loads are applied again on top of it.
  async function loadMessages(chatId) {
    const buffered = [];
    state.loading.set(chatId, buffered);
    let data;
    try {
      data = await api("GET", `/api/chats/${chatId}/messages`);
    } finally {
      if (state.loading.get(chatId) === buffered) state.loading.delete(chatId);
    }
    const map = new Map();
    for (const message of data.messages) map.set(message.id, message);
    for (const event of buffered) {
      if (event.type === "deleted") map.delete(event.message_id);
      else map.set(event.message.id, event.message);
    }
    state.messages.set(chatId, map);
    if (chatId === state.active) renderChat();
  }

  async function loadState() {
    const data = await api("GET", "/api/state");
    state.epoch = data.epoch;
    state.bot = data.bot;
    state.chats = new Map(data.chats.map((c) => [c.id, c]));
    Object.assign(LANGUAGE_NAMES, data.languages || {});
    $("bot-username").textContent = `@${data.bot.username}`;
    for (const id of [...state.messages.keys()]) if (!state.chats.has(id)) state.messages.delete(id);
    if (data.busy) toast(`The sandbox is ${data.busy}…`);
    renderList();
    return data;
  }

  async function send(body) {
    const chatId = state.active;
    if (chatId === null) return false;
    try {
      await api("POST", `/api/chats/${chatId}/messages`, body);
      return true;
    } catch (error) {
      toast(error.message);
      return false;
    }
  }

  async function sendText(text) {
    if (!text.trim()) return false;
    return send({ text });
  }

  async function press(chatId, messageId, data, button) {
    if (button.classList.contains("pending")) return;
    button.classList.add("pending");
    button.setAttribute("aria-busy", "true");
    try {
      const result = await api("POST", `/api/chats/${chatId}/buttons`, {
        message_id: messageId,
        data,
      });
      state.pending.set(result.query_id, { button });
      setTimeout(() => clearPending(result.query_id), 15000);
    } catch (error) {
      button.classList.remove("pending");
      button.removeAttribute("aria-busy");
      toast(error.message);
    }
  }

  function clearPending(queryId) {
    const pending = state.pending.get(queryId);
    if (!pending) return;
    state.pending.delete(queryId);
    pending.button.classList.remove("pending");
    pending.button.removeAttribute("aria-busy");
  }

  async function upload(file) {
    const chatId = state.active;
    if (chatId === null || !file) return;
    const form = new FormData();
    form.append("file", file, file.name);
    try {
      await api("POST", `/api/chats/${chatId}/documents`, form);
    } catch (error) {
      toast(error.message);
    }
  }

  // ------------------------------------------------------------------ live events

  function onEvent(event) {
    const chat = state.chats.get(event.chat_id);
    switch (event.type) {
      case "hello":
        state.connected = true;
        resync(event.epoch);
        return;
      case "reset":
        state.messages.clear();
        state.unread.clear();
        state.active = null;
        toast("The sandbox started again: everything is wiped.");
        resync(event.epoch, true);
        return;
      case "busy":
        toast(`The sandbox is ${event.busy}…`);
        return;
      case "chats":
        loadState().then(renderHeader);
        return;
      case "typing":
        if (!chat) return;
        clearTimeout(state.typing.get(chat.id));
        state.typing.set(
          chat.id,
          setTimeout(() => {
            state.typing.delete(chat.id);
            renderStatus();
          }, 5000),
        );
        if (chat.id === state.active) renderStatus();
        return;
      case "answered":
        clearPending(event.query_id);
        if (event.text && event.chat_id === state.active) {
          if (event.alert) alertBox(event.text);
          else toast(event.text);
        }
        return;
      case "message":
      case "edited": {
        if (!chat) return;
        if (state.loading.has(chat.id)) state.loading.get(chat.id).push(event);
        const message = event.message;
        chatMessages(chat.id).set(message.id, message);
        const lastId = chat.last ? chat.last.id : 0;
        if (message.id >= lastId) chat.last = message;
        if (!message.out && state.typing.has(chat.id)) {
          clearTimeout(state.typing.get(chat.id));
          state.typing.delete(chat.id);
          if (chat.id === state.active) renderStatus();
        }
        if (chat.id === state.active) {
          insertMessage(message);
        } else if (event.type === "message" && !message.out) {
          state.unread.set(chat.id, (state.unread.get(chat.id) || 0) + 1);
        }
        renderList();
        return;
      }
      case "deleted":
        if (!chat) return;
        if (state.loading.has(chat.id)) state.loading.get(chat.id).push(event);
        chatMessages(chat.id).delete(event.message_id);
        if (chat.id === state.active) removeMessage(chat.id, event.message_id);
        return;
      default:
    }
  }

  async function resync(epoch, fromReset = false) {
    const changed = epoch !== state.epoch;
    if (changed) {
      state.messages.clear();
      state.unread.clear();
    }
    await loadState();
    let target = state.active;
    if (target === null || !state.chats.has(target)) {
      const fromHash = Number((location.hash.match(/chat=(-?\d+)/) || [])[1]);
      const first = [...state.chats.values()].find((c) => c.kind === "resident");
      target = !fromReset && state.chats.has(fromHash) ? fromHash : first ? first.id : null;
      if (target === null && state.chats.size) target = state.chats.keys().next().value;
    }
    if (target !== null) await selectChat(target);
    else renderStatus();
  }

  function connect() {
    const source = new EventSource("/events");
    source.onmessage = (message) => {
      try {
        onEvent(JSON.parse(message.data));
      } catch (error) {
        console.error(error);
      }
    };
    source.onerror = () => {
      state.connected = false;
      renderStatus();
    };
  }

  // ------------------------------------------------------------------ wiring

  function wire() {
    document.addEventListener("focusin", () => {
      state.focusLost = false;
    });

    const text = $("composer-text");
    const resize = () => {
      text.style.height = "auto";
      text.style.height = `${Math.min(text.scrollHeight, 160)}px`;
    };

    $("composer").addEventListener("submit", async (event) => {
      event.preventDefault();
      const value = text.value;
      if (!value.trim()) {
        text.focus();
        return;
      }
      closeCommands(false);
      if (await sendText(value)) {
        text.value = "";
        resize();
      }
      text.focus();
    });

    text.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        $("composer").requestSubmit();
      } else if (event.key === "Escape" && !$("commands").hidden) {
        event.preventDefault();
        closeCommands(false);
      }
    });

    text.addEventListener("input", () => {
      resize();
      if (/^\/\w*$/.test(text.value)) openCommands(true);
      else if (state.commandsByTyping) closeCommands(false);
    });

    $("menu-button").addEventListener("click", () => {
      if ($("commands").hidden) openCommands(false);
      else closeCommands(true);
    });

    $("commands").addEventListener("keydown", (event) => {
      const buttons = [...$("commands-list").querySelectorAll("button")];
      const index = buttons.indexOf(document.activeElement);
      if (event.key === "Escape") {
        event.preventDefault();
        closeCommands(true);
      } else if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        const step = event.key === "ArrowDown" ? 1 : -1;
        const next = buttons[(index + step + buttons.length) % buttons.length];
        if (next) next.focus();
      }
    });

    $("attach-button").addEventListener("click", () => $("file-input").click());
    $("file-input").addEventListener("change", async () => {
      const input = $("file-input");
      const file = input.files && input.files[0];
      input.value = "";
      await upload(file);
      $("attach-button").focus();
    });

    $("start-button").addEventListener("click", async () => {
      if (await sendText("/start")) $("composer-text").focus();
    });

    $("back-button").addEventListener("click", () => {
      $("app").dataset.view = "list";
      const current = document.querySelector('.chat-item[aria-current="true"]');
      (current || $("add-resident")).focus();
    });

    // Add a resident
    const dialog = $("resident-dialog");
    $("add-resident").addEventListener("click", () => {
      $("resident-form").reset();
      $("resident-error").textContent = "";
      $("resident-name").removeAttribute("aria-invalid");
      dialog.showModal();
      $("resident-name").focus();
    });
    $("resident-cancel").addEventListener("click", () => dialog.close());
    $("resident-form").addEventListener("submit", async (event) => {
      event.preventDefault();
      const name = $("resident-name").value.trim();
      const language = new FormData($("resident-form")).get("language") || "nl";
      if (!name) {
        $("resident-error").textContent = "Type a name for the resident.";
        $("resident-name").setAttribute("aria-invalid", "true");
        $("resident-name").focus();
        return;
      }
      try {
        const data = await api("POST", "/api/residents", { name, language });
        dialog.close();
        state.chats.set(data.chat.id, data.chat);
        await loadState();
        await selectChat(data.chat.id, { focus: true });
      } catch (error) {
        $("resident-error").textContent = error.message;
      }
    });
    dialog.addEventListener("close", () => {
      if (document.activeElement === document.body) $("add-resident").focus();
    });

    // Start again
    const resetDialog = $("reset-dialog");
    $("reset-button").addEventListener("click", () => {
      resetDialog.showModal();
      $("reset-cancel").focus();
    });
    $("reset-cancel").addEventListener("click", () => resetDialog.close());
    $("reset-form").addEventListener("submit", async (event) => {
      event.preventDefault();
      const confirm = $("reset-confirm");
      confirm.disabled = true;
      confirm.textContent = "Starting again…";
      try {
        await api("POST", "/api/reset");
      } catch (error) {
        toast(error.message);
      } finally {
        confirm.disabled = false;
        confirm.textContent = "Start again";
        resetDialog.close();
      }
    });
  }

  wire();
  connect();
})();
