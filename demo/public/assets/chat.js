// The chat page: one WebSocket (the browser's own API), reconnecting with backoff after the server
// restarts. Everything people type is put on the page with textContent, never as HTML.
'use strict';

const $ = (id) => document.getElementById(id);
const list = $('messages');
const statusBox = $('status');
const errorBox = $('chat-error');
const input = $('text');
const counter = $('counter');
const typingBox = $('typing');

let socket = null;
let me = '';
let maxLength = 500;
let attempt = 0;
let retryTimer = 0;
let lastTypingSent = 0;
const typing = new Map(); // name -> timer
const shown = new Set(); // message ids on the page

function setStatus(state, text) {
  statusBox.className = `status status-${state}`;
  statusBox.textContent = text;
  document.body.dataset.connection = state;
}

function showError(text) {
  errorBox.textContent = text;
  errorBox.hidden = false;
}

function clearError() {
  errorBox.hidden = true;
  errorBox.textContent = '';
}

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });

function addMessage(message) {
  if (shown.has(message.id)) return;
  shown.add(message.id);
  const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
  const item = document.createElement('li');
  item.className = message.user === me ? 'message mine' : 'message';
  item.dataset.id = String(message.id);
  const meta = document.createElement('div');
  meta.className = 'meta';
  const author = document.createElement('span');
  author.className = 'author';
  author.textContent = message.user;
  const time = document.createElement('time');
  time.dateTime = new Date(message.at).toISOString();
  time.textContent = timeFormat.format(message.at);
  meta.append(author, time);
  const text = document.createElement('div');
  text.className = 'text';
  text.textContent = message.text;
  item.append(meta, text);
  list.append(item);
  if (atBottom || message.user === me) list.scrollTop = list.scrollHeight;
  stopTyping(message.user);
}

function showOnline(names) {
  const ul = $('online');
  ul.replaceChildren();
  for (const name of names) {
    const li = document.createElement('li');
    const dot = document.createElement('span');
    dot.className = 'dot';
    dot.setAttribute('aria-hidden', 'true');
    const label = document.createElement('span');
    label.textContent = name;
    li.append(dot, label);
    if (name === me) {
      li.className = 'me';
      const you = document.createElement('span');
      you.className = 'muted';
      you.textContent = ' (you)';
      li.append(you);
    }
    ul.append(li);
  }
  $('online-count').textContent = String(names.length);
}

function renderTyping() {
  const names = [...typing.keys()];
  if (names.length === 0) typingBox.textContent = '';
  else if (names.length === 1) typingBox.textContent = `${names[0]} is typing…`;
  else typingBox.textContent = `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]} are typing…`;
}

function startTyping(name) {
  clearTimeout(typing.get(name));
  typing.set(name, setTimeout(() => stopTyping(name), 3000));
  renderTyping();
}

function stopTyping(name) {
  if (!typing.has(name)) return;
  clearTimeout(typing.get(name));
  typing.delete(name);
  renderTyping();
}

function onEvent(event) {
  switch (event.type) {
    case 'hello':
      me = event.you;
      maxLength = event.maxLength;
      $('me-name').textContent = me;
      list.replaceChildren();
      shown.clear();
      for (const message of event.history) addMessage(message);
      list.scrollTop = list.scrollHeight;
      showOnline(event.online);
      updateCounter();
      break;
    case 'message':
      addMessage(event.message);
      break;
    case 'presence':
      showOnline(event.online);
      break;
    case 'typing':
      if (event.name !== me) startTyping(event.name);
      break;
    case 'error':
      showError(event.message);
      break;
  }
}

function connect() {
  clearTimeout(retryTimer);
  setStatus('connecting', attempt === 0 ? 'Connecting…' : 'Reconnecting…');
  const url = new URL('/ws', location.href);
  url.protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const ws = new WebSocket(url);
  socket = ws;
  ws.addEventListener('open', () => {
    attempt = 0;
    setStatus('online', 'Connected');
    clearError();
  });
  ws.addEventListener('message', (e) => {
    let event;
    try {
      event = JSON.parse(e.data);
    } catch {
      return;
    }
    onEvent(event);
  });
  ws.addEventListener('close', (e) => {
    if (socket !== ws) return;
    socket = null;
    if (e.code === 4001) {
      location.assign('/signin');
      return;
    }
    if (e.code === 1009) showError('That message was far too large; the connection was reset.');
    scheduleReconnect();
  });
}

// After a close: still signed in? Then reconnect with exponential backoff (0.5 s doubling to 15 s,
// with jitter so many pages do not come back at the same instant). Signed out: to the sign-in page.
async function scheduleReconnect() {
  attempt += 1;
  const delay = Math.min(15000, 500 * 2 ** (attempt - 1)) * (0.75 + Math.random() * 0.5);
  let seconds = Math.ceil(delay / 1000);
  setStatus('offline', `Offline — retrying in ${seconds} s`);
  const tick = setInterval(() => {
    seconds -= 1;
    if (seconds > 0) setStatus('offline', `Offline — retrying in ${seconds} s`);
  }, 1000);
  retryTimer = setTimeout(async () => {
    clearInterval(tick);
    try {
      const response = await fetch('/api/me', { headers: { accept: 'application/json' } });
      if (response.status === 401) {
        location.assign('/signin?error=expired');
        return;
      }
    } catch {
      // The server is still down: the WebSocket attempt below fails and we wait again.
    }
    connect();
  }, delay);
}

function updateCounter() {
  const left = maxLength - input.value.trim().length;
  counter.textContent = left < 100 ? String(left) : '';
  counter.classList.toggle('over', left < 0);
}

input.addEventListener('input', () => {
  updateCounter();
  const now = Date.now();
  // At most one notice per 2 s (the server relays at most one per second; others see it for 3 s).
  if (socket !== null && socket.readyState === WebSocket.OPEN && now - lastTypingSent > 2000 && input.value !== '') {
    lastTypingSent = now;
    socket.send(JSON.stringify({ type: 'typing' }));
  }
});

input.addEventListener('keydown', (e) => {
  if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
    e.preventDefault();
    $('composer').requestSubmit();
  }
});

$('composer').addEventListener('submit', (e) => {
  e.preventDefault();
  const text = input.value.trim();
  if (text === '') return;
  if (text.length > maxLength) {
    showError(`Messages can be at most ${maxLength} characters; this one has ${text.length}.`);
    return;
  }
  if (socket === null || socket.readyState !== WebSocket.OPEN) {
    showError('Not connected: your message was not sent. It is still in the box.');
    return;
  }
  clearError();
  socket.send(JSON.stringify({ type: 'message', text }));
  input.value = '';
  updateCounter();
});

$('signout-form').addEventListener('submit', () => {
  // The server closes our socket with 4001 after sign-out; no reconnect meanwhile.
  if (socket !== null) {
    const ws = socket;
    socket = null;
    ws.close(1000);
  }
});

connect();
