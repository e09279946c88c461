// The host's chat page: choose a demo person, get a Direct Line token for them from the host, and
// render Microsoft's Web Chat against the host's own Direct Line endpoint (polling, no websocket).
// "Start chat" resumes the person's conversation, with whatever arrived while the page was closed;
// "New conversation" begins another.
(function () {
  'use strict';

  var select = document.getElementById('person');
  var start = document.getElementById('start');
  var fresh = document.getElementById('new');
  var notice = document.getElementById('notice');
  var chat = document.getElementById('webchat');
  var directLine = null;
  var uploads = { accept: [], maxBytes: 0 };

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

  function megabytes(bytes) {
    return (bytes / 1048576).toFixed(bytes % 1048576 ? 1 : 0) + ' MB';
  }

  // The endpoint refuses files it cannot use; say why here, before Web Chat only marks the message as failed.
  function refusal(files) {
    for (var i = 0; i < files.length; i++) {
      var file = files[i];
      var name = file.name || 'the file';
      var dot = name.lastIndexOf('.');
      var extension = dot < 0 ? '' : name.slice(dot).toLowerCase();
      if (uploads.accept.indexOf(extension) < 0) {
        return '"' + name + '" is not a kind of file the assistant can use. Send ' + uploads.accept.join(', ') + '.';
      }
      if (file.size > uploads.maxBytes) {
        return '"' + name + '" is larger than ' + megabytes(uploads.maxBytes) + ', the largest file the assistant can take.';
      }
    }
    return null;
  }

  function checkUploads() {
    return function (next) {
      return function (action) {
        var files = [];
        if (action.type === 'WEB_CHAT/SEND_MESSAGE' && action.payload && action.payload.attachments) {
          files = action.payload.attachments.map(function (a) { return a.blob; }).filter(Boolean);
        } else if (action.type === 'WEB_CHAT/SEND_FILES' && action.payload && action.payload.files) {
          files = Array.prototype.map.call(action.payload.files, function (f) { return { name: f.name, size: f.size }; });
        }
        var problem = files.length ? refusal(files) : null;
        if (problem) {
          say(problem);
          return undefined;
        }
        if (files.length) say('');
        return next(action);
      };
    };
  }

  function startChat(resume) {
    var option = select.options[select.selectedIndex];
    if (!option || !option.value) {
      say('Choose who you are from the list first.');
      return;
    }
    var person = option.value;
    start.disabled = fresh.disabled = true;
    say('');
    post('v3/directline/tokens/generate', { user: { id: person }, resume: resume })
      .then(function (grant) {
        if (directLine && directLine.end) directLine.end();
        directLine = window.WebChat.createDirectLine({
          token: grant.token,
          domain: new URL('v3/directline', window.location.href).toString(),
          webSocket: false,
          pollingInterval: 500,
          // A turn that reads an uploaded document can take a while on a busy machine.
          timeout: 120000
        });
        // A fresh element: Web Chat keeps its state per element.
        var element = chat.cloneNode(false);
        chat.replaceWith(element);
        chat = element;
        window.WebChat.renderWebChat({
          directLine: directLine,
          store: window.WebChat.createStore({}, checkUploads),
          userID: person,
          username: option.dataset.name,
          locale: 'en-US',
          styleOptions: {
            hideUploadButton: false,
            uploadAccept: uploads.accept.join(','),
            uploadMultiple: true,
            botAvatarInitials: 'PA',
            userAvatarInitials: option.dataset.initials,
            bubbleMaxWidth: 640,
            accent: '#1f3b73'
          }
        }, chat);
        var input = chat.querySelector('input[type=text], textarea');
        if (input) input.focus();
      })
      .catch(function (error) { say('Could not start the chat: ' + error.message); })
      .then(function () { start.disabled = fresh.disabled = false; });
  }

  if (!window.WebChat) {
    say('The Web Chat bundle did not load. Run "npm ci" at the repository root and restart the host.');
    return;
  }

  fetch('webchat/people').then(function (response) { return response.json(); }).then(function (directory) {
    select.innerHTML = '';
    uploads = directory.uploads || uploads;
    if (!directory.localDevelopment) {
      say('Choosing a person is only offered in local development mode. A portal embeds this chat with a Direct Line token its server gets for the signed-in user.');
      return;
    }
    var placeholder = document.createElement('option');
    placeholder.value = '';
    placeholder.textContent = 'Choose a person…';
    select.appendChild(placeholder);
    directory.people.forEach(function (p) {
      var option = document.createElement('option');
      option.value = p.id;
      option.textContent = p.name + ' — ' + p.role + ', ' + p.organisation;
      option.dataset.name = p.name;
      option.dataset.initials = p.name.split(' ').map(function (w) { return w[0]; }).join('').slice(0, 2);
      select.appendChild(option);
    });
    select.disabled = false;
    start.disabled = fresh.disabled = false;
    start.addEventListener('click', function () { startChat(true); });
    fresh.addEventListener('click', function () { startChat(false); });
    var wanted = new URLSearchParams(window.location.search).get('as');
    if (wanted) {
      var known = directory.people.some(function (p) { return p.id === wanted; });
      if (known) {
        select.value = wanted;
        startChat(true);
      } else {
        say('There is no one called "' + wanted + '" in the directory here. Choose who you are from the list and press Start chat.');
      }
    }
  }).catch(function (error) { say('Could not load the directory: ' + error.message); });
})();
