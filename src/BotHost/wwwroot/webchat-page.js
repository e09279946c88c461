// The host's chat page: choose a demo person, get a Direct Line token for them from the host, and
// render Microsoft's Web Chat against the host's own Direct Line endpoint (polling, no websocket).
(function () {
  'use strict';

  var select = document.getElementById('person');
  var start = document.getElementById('start');
  var notice = document.getElementById('notice');
  var chat = document.getElementById('webchat');
  var directLine = null;

  function say(text) {
    notice.textContent = text;
    notice.hidden = !text;
  }

  function post(path, body, token) {
    var headers = { 'content-type': 'application/json' };
    if (token) headers.authorization = 'Bearer ' + token;
    return fetch(path, { method: 'POST', headers: headers, body: JSON.stringify(body || {}) }).then(function (response) {
      return response.json().then(function (json) {
        if (!response.ok) throw new Error((json.error && json.error.message) || response.statusText);
        return json;
      });
    });
  }

  function startChat() {
    var person = select.value;
    start.disabled = true;
    say('');
    post('v3/directline/tokens/generate', { user: { id: person } })
      .then(function (grant) {
        if (directLine && directLine.end) directLine.end();
        directLine = window.WebChat.createDirectLine({
          token: grant.token,
          domain: new URL('v3/directline', window.location.href).toString(),
          webSocket: false,
          pollingInterval: 500
        });
        // A fresh element: Web Chat keeps its state per element, and each person gets a new conversation.
        var fresh = chat.cloneNode(false);
        chat.replaceWith(fresh);
        chat = fresh;
        window.WebChat.renderWebChat({
          directLine: directLine,
          userID: person,
          username: select.options[select.selectedIndex].dataset.name,
          locale: 'en-US',
          styleOptions: {
            hideUploadButton: true,
            botAvatarInitials: 'PA',
            userAvatarInitials: select.options[select.selectedIndex].dataset.initials,
            bubbleMaxWidth: 640,
            accent: '#1f3b73'
          }
        }, chat);
        chat.querySelector('input, textarea') && chat.querySelector('input, textarea').focus();
      })
      .catch(function (error) { say('Could not start the chat: ' + error.message); })
      .then(function () { start.disabled = false; });
  }

  if (!window.WebChat) {
    say('The Web Chat bundle did not load. Run "npm ci" at the repository root and restart the host.');
    return;
  }

  fetch('webchat/people').then(function (response) { return response.json(); }).then(function (directory) {
    select.innerHTML = '';
    if (!directory.localDevelopment) {
      say('Choosing a person is only offered in local development mode. A portal embeds this chat with a Direct Line token its server gets for the signed-in user.');
      return;
    }
    directory.people.forEach(function (p) {
      var option = document.createElement('option');
      option.value = p.id;
      option.textContent = p.name + ' — ' + p.role + ', ' + p.organisation;
      option.dataset.name = p.name;
      option.dataset.initials = p.name.split(' ').map(function (w) { return w[0]; }).join('').slice(0, 2);
      select.appendChild(option);
    });
    select.disabled = false;
    start.disabled = false;
    start.addEventListener('click', startChat);
    var wanted = new URLSearchParams(window.location.search).get('as');
    if (wanted) {
      select.value = wanted;
      startChat();
    }
  }).catch(function (error) { say('Could not load the directory: ' + error.message); });
})();
