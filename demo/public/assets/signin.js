// Sign-in page: explains an error code from the query string (a fixed table: nothing the URL says
// is ever shown as is).
'use strict';

const MESSAGES = {
  bad_name: 'Choose a display name of 1 to 32 characters, without control characters.',
  bad_password: 'A password has 6 to 200 characters.',
  wrong_password: 'That name is taken and the password does not match.',
  busy: 'The server is busy; try again in a moment.',
  expired: 'Your session ended. Please sign in again.',
};

const code = new URLSearchParams(location.search).get('error');
if (code !== null && Object.prototype.hasOwnProperty.call(MESSAGES, code)) {
  const box = document.getElementById('signin-error');
  box.textContent = MESSAGES[code];
  box.hidden = false;
}

document.getElementById('signin-form').addEventListener('submit', () => {
  const button = document.getElementById('signin-button');
  button.disabled = true;
  button.textContent = 'Signing in…';
});
