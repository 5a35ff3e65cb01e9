/*
 * Omnichannel.Flows web chat widget. Embed with one tag:
 *
 *   <script src="https://flows.example.com/webchat/widget.js" defer
 *           data-title="Chat with us" data-name="Anna" data-email="anna@example.com"
 *           data-identity-hash="<hex HMAC-SHA256(identity secret, email), computed by your server>"></script>
 *
 * Optional attributes: data-title, data-greeting, data-name, data-email, data-phone, data-identity-hash
 * (vouches for data-email, or data-phone when there is no email), data-color, data-open="true".
 * The page's origin must be listed in Channels:WebChat:AllowedOrigins.
 *
 * Replies arrive over SignalR's JSON hub protocol on a plain WebSocket (handshake, invocation frames, 0x1E record
 * separator); when that is down the widget polls the HTTP API.
 */
(function () {
  'use strict';

  var script = document.currentScript;
  if (!script || window.OmnichannelFlowsWebChat) {
    return;
  }

  var RS = '\u001e';
  var POLL_MS = 3000;
  var PING_MS = 15000;
  var data = script.dataset;
  var appBase = new URL('..', new URL(script.src, location.href)).href.replace(/\/$/, '');
  var claimed = data.email || data.phone || '';
  var storageKey = 'omnichannel-flows-webchat:' + appBase + ':' + claimed;
  var color = /^#[0-9a-f]{3,8}$/i.test(data.color || '') ? data.color : '#3b5bdb';

  var session = load();
  var shown = {};
  var lastSentAt = null;
  var socket = null;
  var pingTimer = null;
  var pollTimer = null;
  var reconnectDelay = 1000;
  var started = false;

  // ---- UI -------------------------------------------------------------------------------------------------------
  var css = document.createElement('style');
  css.textContent =
    '.ocf-launcher{position:fixed;right:20px;bottom:20px;width:56px;height:56px;border-radius:50%;border:0;cursor:pointer;' +
    'background:' + color + ';color:#fff;box-shadow:0 4px 14px rgba(0,0,0,.25);z-index:2147483000;display:flex;align-items:center;justify-content:center}' +
    '.ocf-panel{position:fixed;right:20px;bottom:88px;width:340px;max-width:calc(100vw - 40px);height:460px;max-height:calc(100vh - 120px);' +
    'display:none;flex-direction:column;background:#fff;border-radius:12px;box-shadow:0 8px 30px rgba(0,0,0,.25);overflow:hidden;' +
    'font:14px/1.4 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;color:#222;z-index:2147483000}' +
    '.ocf-panel.ocf-open{display:flex}' +
    '.ocf-header{background:' + color + ';color:#fff;padding:12px 14px;display:flex;justify-content:space-between;align-items:center;font-weight:600}' +
    '.ocf-header button{background:none;border:0;color:#fff;font-size:20px;cursor:pointer;line-height:1}' +
    '.ocf-messages{flex:1;overflow-y:auto;padding:12px;display:flex;flex-direction:column;gap:6px;background:#f6f7f9}' +
    '.ocf-msg{max-width:80%;padding:8px 10px;border-radius:10px;white-space:pre-wrap;word-wrap:break-word}' +
    '.ocf-visitor{align-self:flex-end;background:' + color + ';color:#fff}' +
    '.ocf-agent{align-self:flex-start;background:#fff;border:1px solid #e3e5e8}' +
    '.ocf-pending{opacity:.6}.ocf-author{display:block;font-size:11px;color:#667;margin-bottom:2px}' +
    '.ocf-status{font-size:12px;color:#667;padding:4px 12px;min-height:16px}' +
    '.ocf-form{display:flex;border-top:1px solid #e3e5e8}' +
    '.ocf-form textarea{flex:1;border:0;padding:10px;resize:none;font:inherit;height:44px;outline:none}' +
    '.ocf-form button{border:0;background:none;color:' + color + ';font-weight:600;padding:0 14px;cursor:pointer}';
  document.head.appendChild(css);

  var launcher = element('button', 'ocf-launcher');
  launcher.type = 'button';
  launcher.appendChild(chatIcon());
  launcher.setAttribute('aria-label', data.title || 'Chat with us');
  var panel = element('div', 'ocf-panel');
  panel.setAttribute('role', 'dialog');
  var header = element('div', 'ocf-header');
  header.appendChild(element('span', null, data.title || 'Chat with us'));
  var close = element('button', null, '\u00d7');
  close.type = 'button';
  close.setAttribute('aria-label', 'Close');
  header.appendChild(close);
  var list = element('div', 'ocf-messages');
  list.setAttribute('aria-live', 'polite');
  var status = element('div', 'ocf-status');
  var form = element('form', 'ocf-form');
  var input = element('textarea');
  input.placeholder = 'Write a message…';
  input.maxLength = 4096;
  var sendButton = element('button', null, 'Send');
  sendButton.type = 'submit';
  form.appendChild(input);
  form.appendChild(sendButton);
  panel.appendChild(header);
  panel.appendChild(list);
  panel.appendChild(status);
  panel.appendChild(form);

  function mount() {
    document.body.appendChild(panel);
    document.body.appendChild(launcher);
    if (data.greeting) {
      render({ id: 'greeting', from: 'agent', text: data.greeting });
    }

    if (data.open === 'true') {
      toggle(true);
    }
  }

  if (document.body) {
    mount();
  } else {
    document.addEventListener('DOMContentLoaded', mount);
  }

  launcher.addEventListener('click', function () { toggle(!panel.classList.contains('ocf-open')); });
  close.addEventListener('click', function () { toggle(false); });
  form.addEventListener('submit', function (e) {
    e.preventDefault();
    send();
  });
  input.addEventListener('keydown', function (e) {
    if (e.key === 'Enter' && !e.shiftKey) {
      e.preventDefault();
      send();
    }
  });

  function toggle(open) {
    panel.classList.toggle('ocf-open', open);
    if (open) {
      input.focus();
      start();
    }
  }

  function element(tag, className, text) {
    var el = document.createElement(tag);
    if (className) {
      el.className = className;
    }

    if (text) {
      el.textContent = text;
    }

    return el;
  }

  /** A speech bubble drawn as SVG (an emoji would need a font the visitor may not have). */
  function chatIcon() {
    var ns = 'http://www.w3.org/2000/svg';
    var svg = document.createElementNS(ns, 'svg');
    svg.setAttribute('viewBox', '0 0 24 24');
    svg.setAttribute('width', '28');
    svg.setAttribute('height', '28');
    svg.setAttribute('aria-hidden', 'true');
    var path = document.createElementNS(ns, 'path');
    path.setAttribute('fill', 'currentColor');
    path.setAttribute('d', 'M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H8l-5 4V5a2 2 0 0 1 2-2z');
    svg.appendChild(path);
    return svg;
  }

  function say(text) {
    status.textContent = text || '';
  }

  /** Shows a message once: server messages by id, the visitor's own by their client message id. */
  function render(message) {
    var key = message.clientMessageId ? 'c:' + message.clientMessageId : 's:' + message.id;
    if (message.sentAt && (!lastSentAt || message.sentAt > lastSentAt)) {
      lastSentAt = message.sentAt;
    }

    var existing = shown[key];
    if (existing) {
      existing.classList.remove('ocf-pending');
      return;
    }

    var bubble = element('div', 'ocf-msg ' + (message.from === 'visitor' ? 'ocf-visitor' : 'ocf-agent'));
    if (message.from !== 'visitor' && message.authorName) {
      bubble.appendChild(element('span', 'ocf-author', message.authorName));
    }

    bubble.appendChild(document.createTextNode(message.text || ''));
    shown[key] = bubble;
    list.appendChild(bubble);
    list.scrollTop = list.scrollHeight;
    return bubble;
  }

  // ---- Session and HTTP -----------------------------------------------------------------------------------------
  function load() {
    try {
      return JSON.parse(localStorage.getItem(storageKey) || 'null');
    } catch (e) {
      return null;
    }
  }

  function save(value) {
    session = value;
    try {
      if (value) {
        localStorage.setItem(storageKey, JSON.stringify(value));
      } else {
        localStorage.removeItem(storageKey);
      }
    } catch (e) {
      // Storage blocked: the session lives as long as the page.
    }
  }

  function ensureSession() {
    if (session && session.sessionId && session.token) {
      return Promise.resolve(session);
    }

    var body = { name: data.name || null, email: data.email || null, phone: data.phone || null, identityHash: data.identityHash || null };
    return fetch(appBase + '/api/webchat/sessions', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body)
    }).then(function (response) {
      if (!response.ok) {
        throw new Error('session ' + response.status);
      }

      return response.json();
    }).then(function (created) {
      save({ sessionId: created.sessionId, token: created.token });
      return session;
    });
  }

  /** Calls the session API; a rejected token means the session is gone: a new one is opened and the call repeated once. */
  function api(method, path, body, retried) {
    return ensureSession().then(function (s) {
      return fetch(appBase + '/api/webchat/sessions/' + s.sessionId + '/messages' + path, {
        method: method,
        headers: { 'Content-Type': 'application/json', 'Authorization': 'Bearer ' + s.token },
        body: body ? JSON.stringify(body) : undefined
      });
    }).then(function (response) {
      if (response.status === 401 && !retried) {
        save(null);
        disconnect();
        return api(method, path, body, true).then(function (r) {
          connect();
          return r;
        });
      }

      return response;
    });
  }

  function start() {
    if (started) {
      return;
    }

    started = true;
    say('Connecting…');
    poll().then(function () {
      say('');
      connect();
    }, function () {
      say('Chat is unavailable right now.');
      started = false;
    });
  }

  function poll() {
    return api('GET', lastSentAt ? '?after=' + encodeURIComponent(lastSentAt) : '').then(function (response) {
      if (!response.ok) {
        throw new Error('poll ' + response.status);
      }

      return response.json();
    }).then(function (thread) {
      thread.items.forEach(render);
    });
  }

  function send() {
    var text = input.value.trim();
    if (!text) {
      return;
    }

    input.value = '';
    var clientMessageId = randomId();
    render({ from: 'visitor', text: text, clientMessageId: clientMessageId }).classList.add('ocf-pending');
    api('POST', '', { text: text, clientMessageId: clientMessageId }).then(function (response) {
      if (response.status === 429) {
        say('You are sending messages very fast; please wait a moment.');
      } else if (!response.ok) {
        say('Your message could not be sent.');
      } else {
        shown['c:' + clientMessageId].classList.remove('ocf-pending');
      }
    }, function () {
      say('Your message could not be sent.');
    });
  }

  function randomId() {
    var bytes = new Uint8Array(16);
    (window.crypto || window.msCrypto).getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ('0' + b.toString(16)).slice(-2); }).join('');
  }

  // ---- Realtime: SignalR JSON hub protocol over a WebSocket -----------------------------------------------------
  function connect() {
    if (socket || !session || !('WebSocket' in window)) {
      startPolling();
      return;
    }

    var url = appBase.replace(/^http/, 'ws') + '/hubs/webchat?access_token=' + encodeURIComponent(session.token);
    var ws = new WebSocket(url);
    var buffer = '';
    var handshaken = false;
    socket = ws;

    ws.onopen = function () {
      ws.send(JSON.stringify({ protocol: 'json', version: 1 }) + RS);
    };

    ws.onmessage = function (event) {
      buffer += event.data;
      var frames = buffer.split(RS);
      buffer = frames.pop();
      frames.forEach(function (frame) {
        var message = JSON.parse(frame);
        if (!handshaken) {
          handshaken = true;
          if (message.error) {
            ws.close();
          } else {
            pingTimer = setInterval(function () { ws.send(JSON.stringify({ type: 6 }) + RS); }, PING_MS);
          }

          return;
        }

        if (message.type === 1 && message.target === 'connected') {
          reconnectDelay = 1000;
          stopPolling();
          say('');
          poll().catch(function () {});
        } else if (message.type === 1 && message.target === 'message') {
          render(message.arguments[0]);
        } else if (message.type === 7) {
          ws.close();
        }
      });
    };

    ws.onclose = function () {
      if (socket !== ws) {
        return;
      }

      disconnect();
      startPolling();
      setTimeout(connect, reconnectDelay);
      reconnectDelay = Math.min(reconnectDelay * 2, 30000);
    };
  }

  function disconnect() {
    clearInterval(pingTimer);
    var ws = socket;
    socket = null;
    if (ws && ws.readyState <= 1) {
      ws.close();
    }
  }

  function startPolling() {
    if (!pollTimer) {
      pollTimer = setInterval(function () { poll().catch(function () {}); }, POLL_MS);
    }
  }

  function stopPolling() {
    clearInterval(pollTimer);
    pollTimer = null;
  }

  window.OmnichannelFlowsWebChat = { open: function () { toggle(true); }, close: function () { toggle(false); } };
})();
