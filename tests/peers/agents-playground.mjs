// Drives Microsoft 365 Agents Playground (its Teams channel) against the bot through the same
// HTTP and websocket API its web UI uses, with no browser:
//   GET  /_internal/v1/config                                  the mock tenant: current user, bot, chats
//   POST /_debug/conversation/{id}/installation                "install the app" (installationUpdate + membersAdded)
//   POST /_conversation/v1/conversations/{id}/messages         the user sends a message (mentions listed beside the text)
//   POST /_conversation/v1/submit                              the user presses an Action.Submit on a card
//   POST /_conversation/v1/invoke                              the user presses an Action.Execute (adaptiveCard/action);
//                                                              answers {type, value}: the card that replaces it, or a message
//   WS   /_ws_conversation/v1/conversations/stream             what the UI is shown: {action: createMessage | updateMessage | typing, ...}
// The playground runs offline: no browser, telemetry off, and any outbound HTTP(S) it might still
// attempt goes to a closed loopback port instead of the network.
//
// Usage: node agents-playground.mjs --bot <messages url> --port <port> --out <file>
//          --card-utterance <text that gets a reply with an Action.Submit card>
//          --execute-utterance <text that gets a reply with an Action.Execute card>
// Writes the observations of every scenario as JSON to --out; exits 0 when the scenarios ran,
// 1 when the playground could not be started or driven at all.

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import WebSocket from 'ws';

const { values: args } = parseArgs({
  options: {
    bot: { type: 'string' },
    port: { type: 'string' },
    out: { type: 'string' },
    'card-utterance': { type: 'string' },
    'execute-utterance': { type: 'string' },
  },
});
for (const required of ['bot', 'port', 'out', 'card-utterance', 'execute-utterance']) {
  if (!args[required]) {
    console.error(`missing --${required}`);
    process.exit(2);
  }
}

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const playgroundPackage = require('@microsoft/m365agentsplayground/package.json');
const playgroundCli = join(here, 'node_modules', '@microsoft', 'm365agentsplayground', 'cli.js');
const adaptiveCardType = 'application/vnd.microsoft.card.adaptive';

// ---------------------------------------------------------------------------------------------
// The playground process.
const workFolder = mkdtempSync(join(tmpdir(), 'playground-'));
let playground;
let playgroundOutput = '';

function startPlayground() {
  playground = spawn(process.execPath, [playgroundCli, '-e', args.bot, '-c', 'msteams', '-p', args.port, '--disable-telemetry'], {
    // The working folder is where it looks for a config file and writes logs: an empty temp folder,
    // so it uses its built-in mock tenant.
    cwd: workFolder,
    env: {
      ...process.env,
      TEAMSAPPTESTER_BROWSER: 'none',
      M365_AGENTS_PLAYGROUND_LOGFILE: join(workFolder, 'playground.log'),
      APPLICATION_INSIGHTS_NO_STATSBEAT: 'true',
      APPLICATION_INSIGHTS_NO_DIAGNOSTIC_CHANNEL: 'true',
      APPLICATION_INSIGHTS_NO_PATCH_MODULES: 'true',
      HTTP_PROXY: 'http://127.0.0.1:9',
      HTTPS_PROXY: 'http://127.0.0.1:9',
      http_proxy: 'http://127.0.0.1:9',
      https_proxy: 'http://127.0.0.1:9',
      NO_PROXY: '127.0.0.1,localhost',
      no_proxy: '127.0.0.1,localhost',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the playground did not start within 60 s:\n${playgroundOutput}`)), 60_000);
    const onData = (chunk) => {
      playgroundOutput += chunk.toString();
      // It falls back to another port when the one asked for is taken, and says which.
      const match = /Listening on (\d+)/.exec(playgroundOutput);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    };
    playground.stdout.on('data', onData);
    playground.stderr.on('data', (chunk) => { playgroundOutput += chunk.toString(); });
    playground.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the playground exited with ${code}:\n${playgroundOutput}`));
    });
  });
}

function stopPlayground() {
  if (playground && playground.exitCode === null) {
    playground.removeAllListeners('exit');
    playground.kill('SIGTERM');
  }
}

// ---------------------------------------------------------------------------------------------
// The UI's API.
let base;
const shown = [];

async function call(method, path, body) {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(60_000),
  });
  const text = await response.text();
  if (!response.ok) {
    throw new Error(`${method} ${path} answered ${response.status}: ${text}`);
  }
  return text ? JSON.parse(text) : null;
}

function connectStream() {
  const socket = new WebSocket(`${base.replace('http://', 'ws://')}/_ws_conversation/v1/conversations/stream`);
  socket.on('message', (data) => shown.push(JSON.parse(data.toString())));
  return new Promise((resolve, reject) => {
    socket.once('open', () => resolve(socket));
    socket.once('error', reject);
  });
}

// Messages the UI was told to show from the bot in a conversation, after a point in the stream.
function botMessages(conversationId, botId, from) {
  return shown.slice(from).filter((m) => m.action === 'createMessage' && m.actionConversationId === conversationId && m.message?.from?.id === botId);
}

// Waits until `count` bot messages were shown, then a little longer to catch any extra ones.
async function waitForBotMessages(conversationId, botId, from, count, { timeoutMs = 30_000, settleMs = 1500 } = {}) {
  const deadline = Date.now() + timeoutMs;
  while (botMessages(conversationId, botId, from).length < count && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  await new Promise((resolve) => setTimeout(resolve, settleMs));
  return botMessages(conversationId, botId, from);
}

function describe(shownMessage) {
  const m = shownMessage.message;
  return {
    messageId: m.messageId,
    text: m.text ?? null,
    textFormat: m.textFormat ?? null,
    attachments: (m.attachments ?? []).map((a) => ({ contentType: a.contentType, content: a.content })),
    suggestedActions: (m.suggestedActions?.actions ?? []).map((a) => a.title),
  };
}

const scenarios = {};

async function scenario(name, run) {
  try {
    scenarios[name] = await run();
  } catch (error) {
    scenarios[name] = { error: `${error.name}: ${error.message}` };
  }
}

async function main() {
  const port = await startPlayground();
  base = `http://127.0.0.1:${port}`;
  const socket = await connectStream();
  // The UI loads this first; it also waits until the bot's endpoint answers.
  const { config, internalConfig } = await call('GET', '/_internal/v1/config');
  const me = config.currentUser;
  const bot = config.bot;
  const personalChat = config.personalChat.id;
  const groupChat = config.groupChats[0].id;
  const botMention = `<at>${bot.name}</at>`;

  const install = async (conversationId) => {
    const mark = shown.length;
    await call('POST', `/_debug/conversation/${conversationId}/installation`, {});
    const messages = await waitForBotMessages(conversationId, bot.id, mark, 1);
    return { conversationId, botMessages: messages.map(describe) };
  };
  await scenario('install.personal', () => install(personalChat));
  await scenario('install.groupChat', () => install(groupChat));

  const mentionMessage = async (utterance) => {
    const mark = shown.length;
    const sent = await call('POST', `/_conversation/v1/conversations/${groupChat}/messages`, {
      from: { id: me.id },
      text: `${botMention} ${utterance}`,
      textFormat: 'plain',
      mentions: [{ mentioned: { id: bot.id }, text: botMention }],
    });
    const messages = await waitForBotMessages(groupChat, bot.id, mark, 1);
    return { sentText: `${botMention} ${utterance}`, sentMessageId: sent?.messageId ?? null, botMessages: messages.map(describe) };
  };
  await scenario('mention.whoAmI', () => mentionMessage('who am I?'));
  await scenario('mention.repeat', () => mentionMessage('repeat after me'));

  await scenario('cardSubmit', async () => {
    let mark = shown.length;
    await call('POST', `/_conversation/v1/conversations/${personalChat}/messages`, { from: { id: me.id }, text: args['card-utterance'], textFormat: 'plain' });
    const withCard = (await waitForBotMessages(personalChat, bot.id, mark, 1)).find((m) => (m.message.attachments ?? []).some((a) => a.contentType === adaptiveCardType));
    if (!withCard) {
      return { cardShown: false, botMessages: botMessages(personalChat, bot.id, mark).map(describe) };
    }
    const card = withCard.message.attachments.find((a) => a.contentType === adaptiveCardType).content;
    const action = (card.actions ?? []).find((a) => a.type === 'Action.Submit');
    if (!action) {
      return { cardShown: true, card, submitAction: null };
    }
    mark = shown.length;
    // What the web UI posts when the button is pressed: the card's message id and the action's data.
    await call('POST', '/_conversation/v1/submit', { conversation: { id: personalChat }, replyToId: withCard.message.messageId, from: { id: me.id }, value: action.data ?? {} });
    const afterSubmit = await waitForBotMessages(personalChat, bot.id, mark, 1);
    return {
      cardShown: true,
      cardText: withCard.message.text ?? null,
      card,
      submitAction: { title: action.title, data: action.data ?? null },
      afterSubmit: afterSubmit.map(describe),
    };
  });

  await scenario('cardExecute', async () => {
    const mark = shown.length;
    await call('POST', `/_conversation/v1/conversations/${personalChat}/messages`, { from: { id: me.id }, text: args['execute-utterance'], textFormat: 'plain' });
    const withCard = (await waitForBotMessages(personalChat, bot.id, mark, 1)).find((m) => (m.message.attachments ?? []).some((a) => a.contentType === adaptiveCardType));
    if (!withCard) {
      return { cardShown: false, botMessages: botMessages(personalChat, bot.id, mark).map(describe) };
    }
    const card = withCard.message.attachments.find((a) => a.contentType === adaptiveCardType).content;
    const action = (card.actions ?? []).find((a) => a.type === 'Action.Execute');
    if (!action) {
      return { cardShown: true, card, executeAction: null };
    }
    // What the web UI posts for Action.Execute; the playground turns it into an adaptiveCard/action invoke.
    const response = await call('POST', '/_conversation/v1/invoke', {
      name: 'adaptiveCard/action',
      value: { action: { type: action.type, title: action.title, verb: action.verb, data: action.data } },
      from: { id: me.id },
      conversation: { id: personalChat },
      replyToId: withCard.message.messageId,
    });
    return { cardShown: true, card, executeAction: { title: action.title, verb: action.verb }, invokeResponse: response };
  });

  socket.close();
  writeFileSync(args.out, JSON.stringify({
    peer: 'agents-playground',
    version: playgroundPackage.version,
    channelId: internalConfig?.channelId ?? null,
    currentUser: { id: me.id, name: me.name, aadObjectId: me.aadObjectId },
    bot,
    scenarios,
    streamActions: [...new Set(shown.map((m) => m.action))],
  }, null, 2));
}

main()
  .then(() => 0, (error) => {
    console.error(error);
    return 1;
  })
  .then((code) => {
    stopPlayground();
    rmSync(workFolder, { recursive: true, force: true });
    process.exit(code);
  });
