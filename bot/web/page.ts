import { type Lang, t } from '../../core/i18n/translate.js';
import { STATUSES } from '../../core/tickets/types.js';

/** Escapes text for HTML element content and double- or single-quoted attribute values. */
function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** JSON that is safe inside an inline <script>: no `<` can close the element or open a comment. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c');
}

// Language names are written in their own language (endonyms), so they are the same on both pages.
const LANGUAGES: ReadonlyArray<{ code: Lang; htmlLang: string; label: string }> = [
  { code: 'zh', htmlLang: 'zh-CN', label: '中文' },
  { code: 'en', htmlLang: 'en', label: 'English' },
];

const STYLE = `
*{box-sizing:border-box}
body{font:16px/1.5 system-ui,-apple-system,"Segoe UI","PingFang SC","Microsoft YaHei",sans-serif;margin:0;color:#1b1b1b;background:#f6f7f9}
main{max-width:40rem;margin:0 auto;padding:1rem}
header{display:flex;justify-content:space-between;align-items:center;gap:1rem;flex-wrap:wrap}
nav a{margin-left:.75rem;color:#0b57d0}
nav a[aria-current]{font-weight:bold;color:inherit;text-decoration:none}
section{background:#fff;border:1px solid #d6d9de;border-radius:8px;padding:1rem;margin:1rem 0}
label{display:block;margin-top:.75rem;font-weight:600}
input,textarea{width:100%;padding:.5rem;font:inherit;border:1px solid #8a9099;border-radius:4px}
textarea{min-height:7rem;resize:vertical}
[aria-invalid="true"]{border-color:#b3261e}
button{margin-top:1rem;padding:.5rem 1.25rem;font:inherit;border:0;border-radius:4px;background:#0b57d0;color:#fff;cursor:pointer}
button:disabled{opacity:.6;cursor:wait}
:focus-visible{outline:3px solid #f9ab00;outline-offset:2px}
.result{margin-top:1rem}.result:empty{display:none}
.error{color:#b3261e}
ol{padding-left:1.25rem}li{margin:.5rem 0}.meta{color:#555;font-size:.875rem}.body{white-space:pre-wrap}
`;

// Called with the translated strings: (function (T) {...})(strings).
const SCRIPT = `
(function (T) {
  function uuid() {
    if (crypto.randomUUID) return crypto.randomUUID();
    var b = crypto.getRandomValues(new Uint8Array(16)), h = [];
    b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    for (var i = 0; i < 16; i++) h.push((b[i] + 256).toString(16).slice(1));
    return h.slice(0, 4).join('') + '-' + h.slice(4, 6).join('') + '-' + h.slice(6, 8).join('') + '-' + h.slice(8, 10).join('') + '-' + h.slice(10).join('');
  }
  var memoryId = null;
  function customerId() {
    try {
      var id = localStorage.getItem('ticketbot.customerId');
      if (!id) { id = uuid(); localStorage.setItem('ticketbot.customerId', id); }
      return id;
    } catch (e) { return memoryId || (memoryId = uuid()); }
  }
  function el(tag, text, cls) {
    var node = document.createElement(tag);
    if (text != null) node.textContent = String(text);
    if (cls) node.className = cls;
    return node;
  }
  function show(box, nodes, isError) {
    box.replaceChildren.apply(box, nodes);
    box.classList.toggle('error', !!isError);
  }
  function when(iso) {
    var d = new Date(iso);
    return isNaN(d.getTime()) ? String(iso) : d.toLocaleString(document.documentElement.lang);
  }
  function readJson(res) { return res.json().catch(function () { return {}; }); }

  var form = document.getElementById('contact-form');
  var result = document.getElementById('result');
  var submit = form.querySelector('button');
  var fieldInputs = { text: 'message', 'customer.name': 'name', 'customer.phone': 'contact', 'customer.email': 'contact', orderId: 'order' };
  var messageId = uuid();
  function value(id) { return document.getElementById(id).value.trim(); }

  form.addEventListener('submit', function (event) {
    event.preventDefault();
    if (submit.disabled) return;
    var customer = { id: customerId() }, name = value('name'), contact = value('contact'), order = value('order');
    if (name) customer.name = name;
    if (contact) customer[contact.indexOf('@') >= 0 ? 'email' : 'phone'] = contact;
    var payload = { messageId: messageId, text: value('message'), channel: 'web', customer: customer };
    if (order) payload.orderId = order;
    form.querySelectorAll('[aria-invalid]').forEach(function (n) { n.removeAttribute('aria-invalid'); });
    submit.disabled = true;
    form.setAttribute('aria-busy', 'true');
    fetch('/api/messages', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(payload) })
      .then(function (res) {
        return readJson(res).then(function (data) {
          if ((res.status === 201 || res.status === 200) && data.ticket) {
            rememberKey(data.ticket.number, data.ticket.accessKey);
            show(result, [el('span', T.created + ' '), el('strong', data.ticket.number)]);
            document.getElementById('ticket-number').value = data.ticket.number;
            form.reset();
            messageId = uuid();
            return;
          }
          var error = data.error || {}, list = el('ul'), fields = error.fields || {};
          Object.keys(fields).forEach(function (path) {
            list.appendChild(el('li', fields[path]));
            var input = document.getElementById(fieldInputs[path] || '');
            if (input) input.setAttribute('aria-invalid', 'true');
          });
          if (!list.firstChild && error.message) list.appendChild(el('li', error.message));
          show(result, [el('p', T.failed), list], true);
        });
      })
      .catch(function () { show(result, [el('p', T.failed)], true); })
      .then(function () { submit.disabled = false; form.removeAttribute('aria-busy'); });
  });

  // Access keys of tickets filed from this browser: they unlock the conversation in the lookup.
  function keys() {
    try { return JSON.parse(localStorage.getItem('ticketbot.keys') || '{}'); } catch (e) { return {}; }
  }
  function rememberKey(number, key) {
    if (!key) return;
    try { var all = keys(); all[number] = key; localStorage.setItem('ticketbot.keys', JSON.stringify(all)); } catch (e) {}
  }
  function keyFor(number) {
    var all = keys(), wanted = number.trim().toUpperCase();
    return all[wanted] || '';
  }
  var lookup = document.getElementById('lookup-form');
  var lookupResult = document.getElementById('lookup-result');
  lookup.addEventListener('submit', function (event) {
    event.preventDefault();
    var number = value('ticket-number');
    if (!number) return;
    var key = keyFor(number);
    // The page's language, so that the answer's own wording (statusText: "merged into T-…") matches it.
    var headers = { Accept: 'application/json', 'Accept-Language': document.documentElement.lang };
    if (key) headers['X-Ticket-Key'] = key;
    fetch('/api/tickets/' + encodeURIComponent(number), { headers: headers })
      .then(function (res) {
        return readJson(res).then(function (data) {
          if (res.status === 404) return show(lookupResult, [el('p', T.notFound)], true);
          if (!res.ok || !data.ticket) return show(lookupResult, [el('p', (data.error && data.error.message) || T.failed)], true);
          var tk = data.ticket, list = el('ol');
          (tk.messages || []).forEach(function (m) {
            var item = el('li');
            item.append(el('div', (T.authors[m.author] || m.author) + ' · ' + when(m.createdAt), 'meta'), el('div', m.body, 'body'));
            list.appendChild(item);
          });
          show(lookupResult, [
            el('h3', tk.number + (tk.title ? ' — ' + tk.title : '')),
            el('p', T.status + T.colon + (tk.statusText || T.statuses[tk.status] || tk.status)),
            el('p', T.updated + T.colon + when(tk.updatedAt)),
            tk.detailsHidden ? el('p', T.detailsHidden, 'meta') : list,
          ]);
        });
      })
      .catch(function () { show(lookupResult, [el('p', T.failed)], true); });
  });
})`;

export function renderHomePage(lang: Lang): string {
  const e = (key: Parameters<typeof t>[1]): string => escapeHtml(t(lang, key));
  const htmlLang = lang === 'zh' ? 'zh-CN' : 'en';
  const strings = {
    created: t(lang, 'web.created'),
    failed: t(lang, 'web.failed'),
    notFound: t(lang, 'web.notFound'),
    status: t(lang, 'web.status'),
    updated: t(lang, 'web.updated'),
    colon: lang === 'zh' ? '：' : ': ',
    statuses: Object.fromEntries(STATUSES.map((s) => [s, t(lang, `status.${s}` as const)])),
    detailsHidden: t(lang, 'web.detailsHidden'),
    authors: { customer: t(lang, 'web.authorCustomer'), support: t(lang, 'web.authorSupport') },
  };
  const switcher = LANGUAGES.map(
    (l) => `<a href="?lang=${l.code}" hreflang="${l.htmlLang}" lang="${l.htmlLang}"${l.code === lang ? ' aria-current="page"' : ''}>${escapeHtml(l.label)}</a>`,
  ).join('');
  return `<!doctype html>
<html lang="${htmlLang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${e('web.title')}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
<header><h1>${e('web.title')}</h1><nav>${switcher}</nav></header>
<section aria-labelledby="contact-heading">
<h2 id="contact-heading">${e('web.contactHeading')}</h2>
<form id="contact-form">
<label for="name">${e('web.name')}</label>
<input id="name" name="name" autocomplete="name">
<label for="contact">${e('web.contact')}</label>
<input id="contact" name="contact" autocomplete="email">
<label for="order">${e('web.order')}</label>
<input id="order" name="order" autocomplete="off">
<label for="message">${e('web.message')}</label>
<textarea id="message" name="message" required></textarea>
<button type="submit">${e('web.submit')}</button>
</form>
<div id="result" class="result" role="status" aria-live="polite"></div>
</section>
<section aria-labelledby="lookup-heading">
<h2 id="lookup-heading">${e('web.lookupHeading')}</h2>
<form id="lookup-form">
<label for="ticket-number">${e('web.ticketNumber')}</label>
<input id="ticket-number" name="ticket" required autocomplete="off">
<button type="submit">${e('web.lookup')}</button>
</form>
<div id="lookup-result" class="result" role="status" aria-live="polite"></div>
</section>
</main>
<script>${SCRIPT}(${scriptJson(strings)});</script>
</body>
</html>
`;
}
