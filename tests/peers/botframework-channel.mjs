// A Bot Framework channel built on Microsoft's own JS SDK, used to test the bot as the Bot
// Framework Service would talk to it:
//  - it publishes OpenID metadata and signing keys with endorsements, as the channel service does,
//    and signs channel-to-bot tokens the same way (RS256, kid, iss https://api.botframework.com,
//    aud = the bot's app id, serviceurl claim, nbf/exp);
//  - it plays Entra ID for the bot: a client-credentials token endpoint and that issuer's keys;
//  - it receives the bot's replies through botbuilder's ChannelServiceRoutes and a
//    ChannelServiceHandlerBase subclass that checks the bot's bearer token with the SDK's own
//    JwtTokenExtractor before recording anything.
// Every token it sends is first judged by the SDK's ChannelValidation, so the results say what the
// SDK itself thinks of a token next to what the bot under test answered.
//
// Usage: node botframework-channel.mjs --port <port> --bot <messages url> --app-id <id> --out <file>
// The bot's client secret comes from the environment variable PEER_BOT_APP_PASSWORD.
// Writes one JSON document with the observations of every scenario to --out; exits 0 when the
// scenarios ran (whatever they observed), 1 when the peer itself could not run.

import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import express from 'express';
import jwt from 'jsonwebtoken';
import botbuilder from 'botbuilder';
import connector from 'botframework-connector';
import schema from 'botframework-schema';
import jwtTokenExtractorModule from 'botframework-connector/lib/auth/jwtTokenExtractor.js';

const { ChannelServiceRoutes, ChannelServiceHandlerBase, StatusCodeError, TurnContext } = botbuilder;
const { AuthenticationConstants, ChannelValidation, SimpleCredentialProvider } = connector;
const { JwtTokenExtractor } = jwtTokenExtractorModule;
const { ActivityTypes, DeliveryModes, StatusCodes, isAttachment, isCardAction, isChannelAccount } = schema;

const { values: args } = parseArgs({
  options: {
    port: { type: 'string' },
    bot: { type: 'string' },
    'app-id': { type: 'string' },
    out: { type: 'string' },
  },
});
for (const required of ['port', 'bot', 'app-id', 'out']) {
  if (!args[required]) {
    console.error(`missing --${required}`);
    process.exit(2);
  }
}

const appId = args['app-id'];
const appPassword = process.env.PEER_BOT_APP_PASSWORD ?? '';
const botEndpoint = args.bot;
const port = Number(args.port);
const origin = `http://127.0.0.1:${port}`;
// The Bot Connector lives under a regional path, like https://smba.trafficmanager.net/amer/:
// replies must keep that prefix.
const connectorBasePath = '/amer';
const serviceUrl = `${origin}${connectorBasePath}/`;
// Entra ID's tenant for multi-tenant bots ("botframework.com") and its tenant id.
const botFrameworkTenant = 'botframework.com';
const botFrameworkTenantId = 'd6d49420-f39b-4df7-a1dc-d59a935871db';
const entraIssuer = `${AuthenticationConstants.ValidTokenIssuerUrlTemplateV2}${botFrameworkTenantId}/v2.0`;
const tenantId = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const botAccount = { id: `28:${appId}`, name: 'Partner Assistant' };
// The SDK's channel checks read the channel service's metadata from here instead of the cloud.
ChannelValidation.OpenIdMetadataEndpoint = `${origin}/v1/.well-known/openidconfiguration`;

// ---------------------------------------------------------------------------------------------
// Keys: two the channel service publishes (one endorsed for msteams, one only for another
// channel) and one Entra ID signs the bot's connector tokens with.
function createKey(kid, endorsements) {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = { ...publicKey.export({ format: 'jwk' }), kid, use: 'sig' };
  if (endorsements) {
    jwk.endorsements = endorsements;
  }
  return { kid, privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }), jwk };
}

const channelKey = createKey(`channel-${randomUUID().slice(0, 8)}`, ['msteams', 'webchat', 'directline']);
const otherChannelKey = createKey(`skype-${randomUUID().slice(0, 8)}`, ['skype']);
const entraKey = createKey(`entra-${randomUUID().slice(0, 8)}`);

// ---------------------------------------------------------------------------------------------
// What the bot sent back, and what happened to its tokens.
const received = [];
const connectorAuthFailures = [];
const tokenRequests = [];

class RecordingChannelService extends ChannelServiceHandlerBase {
  constructor() {
    super();
    this.extractor = new JwtTokenExtractor(
      {
        issuer: [entraIssuer, `${AuthenticationConstants.ValidTokenIssuerUrlTemplateV1}${botFrameworkTenantId}/`],
        audience: [AuthenticationConstants.ToChannelFromBotOAuthScope],
        clockTolerance: 300,
        ignoreExpiration: false,
      },
      `${origin}/${botFrameworkTenant}/v2.0/.well-known/openid-configuration`,
      AuthenticationConstants.AllowedSigningAlgorithms,
    );
  }

  // The Bot Connector only takes calls carrying an Entra ID token issued to the bot itself.
  async authenticate(authHeader) {
    let identity = null;
    let reason = 'no bearer token';
    try {
      identity = authHeader ? await this.extractor.getIdentityFromAuthHeader(authHeader, 'msteams') : null;
      if (authHeader && !identity) {
        reason = 'token rejected';
      }
    } catch (error) {
      reason = error.message;
    }
    const caller = identity?.getClaimValue(AuthenticationConstants.AuthorizedParty) ?? identity?.getClaimValue(AuthenticationConstants.AppIdClaim);
    if (!identity || caller !== appId) {
      connectorAuthFailures.push(identity ? `token issued to ${caller}, not the bot` : reason);
      throw new StatusCodeError(StatusCodes.UNAUTHORIZED, 'The Bot Connector needs a token issued to this bot.');
    }
    return identity;
  }

  record(operation, conversationId, activityId, activity) {
    const id = randomUUID();
    received.push({ operation, conversationId, activityId: activityId ?? null, assignedId: id, activity: plain(activity) });
    return { id };
  }

  async onSendToConversation(_identity, conversationId, activity) {
    return this.record('sendToConversation', conversationId, null, activity);
  }

  async onReplyToActivity(_identity, conversationId, activityId, activity) {
    return this.record('replyToActivity', conversationId, activityId, activity);
  }

  async onUpdateActivity(_identity, conversationId, activityId, activity) {
    return this.record('updateActivity', conversationId, activityId, activity);
  }

  async onDeleteActivity(_identity, conversationId, activityId) {
    this.record('deleteActivity', conversationId, activityId, {});
  }
}

// validateAndFixActivity turns timestamps into Dates; keep what the bot sent.
function plain(activity) {
  const copy = { ...activity };
  for (const field of ['timestamp', 'localTimestamp', 'expiration']) {
    const raw = `raw${field[0].toUpperCase()}${field.slice(1)}`;
    if (raw in copy) {
      copy[field] = copy[raw];
      delete copy[raw];
    }
  }
  return copy;
}

// ---------------------------------------------------------------------------------------------
// The channel service's and Entra ID's endpoints.
const app = express();
app.use(express.json({ limit: '1mb' }));

app.get('/v1/.well-known/openidconfiguration', (_req, res) => {
  res.json({
    issuer: AuthenticationConstants.ToBotFromChannelTokenIssuer,
    authorization_endpoint: `${origin}/v1/authorize`,
    jwks_uri: `${origin}/v1/.well-known/keys`,
    id_token_signing_alg_values_supported: ['RS256'],
    token_endpoint_auth_methods_supported: ['private_key_jwt'],
  });
});
app.get('/v1/.well-known/keys', (_req, res) => res.json({ keys: [channelKey.jwk, otherChannelKey.jwk] }));

app.get(`/${botFrameworkTenant}/v2.0/.well-known/openid-configuration`, (_req, res) => {
  res.json({
    issuer: entraIssuer,
    token_endpoint: `${origin}/${botFrameworkTenant}/oauth2/v2.0/token`,
    jwks_uri: `${origin}/${botFrameworkTenant}/discovery/v2.0/keys`,
    id_token_signing_alg_values_supported: ['RS256'],
  });
});
app.get(`/${botFrameworkTenant}/discovery/v2.0/keys`, (_req, res) => res.json({ keys: [entraKey.jwk] }));

app.post(`/${botFrameworkTenant}/oauth2/v2.0/token`, express.urlencoded({ extended: false }), (req, res) => {
  const form = req.body ?? {};
  tokenRequests.push({ grantType: form.grant_type, clientId: form.client_id, scope: form.scope });
  if (form.grant_type !== 'client_credentials') {
    return res.status(400).json({ error: 'unsupported_grant_type' });
  }
  if (form.client_id !== appId || form.client_secret !== appPassword) {
    return res.status(401).json({ error: 'invalid_client' });
  }
  if (form.scope !== `${AuthenticationConstants.ToChannelFromBotOAuthScope}/.default`) {
    return res.status(400).json({ error: 'invalid_scope' });
  }
  const now = Math.floor(Date.now() / 1000);
  const accessToken = jwt.sign(
    { aud: AuthenticationConstants.ToChannelFromBotOAuthScope, iss: entraIssuer, iat: now, nbf: now, exp: now + 3600, azp: appId, azpacr: '1', tid: botFrameworkTenantId, sub: appId, ver: '2.0' },
    entraKey.privateKey,
    { algorithm: 'RS256', keyid: entraKey.kid, noTimestamp: true },
  );
  res.json({ token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599, access_token: accessToken });
});

// ChannelServiceRoutes calls next() after answering; Express would then look for another route.
const routes = new ChannelServiceRoutes(new RecordingChannelService());
const connectorRouter = express.Router();
const server = {};
for (const method of ['get', 'post', 'put', 'delete']) {
  server[method] = (path, handler) => connectorRouter[method](path, (req, res) => handler(req, res, () => {}));
}
routes.register(server);
app.use(connectorBasePath, connectorRouter);

// ---------------------------------------------------------------------------------------------
// Sending activities to the bot.
function channelToken({ key = channelKey, audience = appId, claimedServiceUrl = serviceUrl, lifetime = 3600, notBefore = -300 } = {}) {
  const now = Math.floor(Date.now() / 1000);
  return jwt.sign(
    { serviceurl: claimedServiceUrl, nbf: now + notBefore, exp: now + lifetime, iss: AuthenticationConstants.ToBotFromChannelTokenIssuer, aud: audience },
    key.privateKey,
    { algorithm: 'RS256', keyid: key.kid, noTimestamp: true },
  );
}

// What Microsoft's SDK concludes about a token a bot receives with this activity.
async function sdkVerdict(token, activity) {
  try {
    await ChannelValidation.authenticateChannelTokenWithServiceUrl(
      `Bearer ${token}`, new SimpleCredentialProvider(appId, appPassword), activity.serviceUrl, activity.channelId);
    return { accepted: true };
  } catch (error) {
    return { accepted: false, reason: error.message };
  }
}

let sequence = 0;
function newActivity(fields) {
  sequence += 1;
  const conversationId = fields.conversationId ?? `a:peer-${randomUUID()}`;
  const { conversationId: _ignored, ...rest } = fields;
  return {
    id: `peer-${sequence}-${randomUUID().slice(0, 8)}`,
    timestamp: new Date().toISOString(),
    serviceUrl,
    channelId: 'msteams',
    recipient: botAccount,
    conversation: { id: conversationId, conversationType: 'personal', tenantId },
    channelData: { tenant: { id: tenantId } },
    locale: 'en-US',
    ...rest,
  };
}

async function send(activity, tokenOptions, { authorization } = {}) {
  const token = channelToken(tokenOptions);
  const verdict = await sdkVerdict(token, activity);
  const headers = { 'content-type': 'application/json' };
  const header = authorization === undefined ? `Bearer ${token}` : authorization;
  if (header !== null) {
    headers.authorization = header;
  }
  const response = await fetch(botEndpoint, { method: 'POST', headers, body: JSON.stringify(activity), signal: AbortSignal.timeout(60_000) });
  const text = await response.text();
  let body = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = text;
  }
  return { status: response.status, body, sdkVerdict: verdict };
}

// Replies for a conversation, waiting a little for ones still on their way.
async function repliesFor(conversationId, expected, waitMs = 10_000) {
  const deadline = Date.now() + waitMs;
  for (;;) {
    const replies = received.filter((r) => r.conversationId === conversationId);
    if (replies.length >= expected || Date.now() > deadline) {
      return replies;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

// What the SDK's schema and conversation reference make of a reply to an incoming activity.
function describeReply(record, incoming) {
  const reply = record.activity;
  const reference = TurnContext.getConversationReference(incoming);
  return {
    operation: record.operation,
    routeConversationId: record.conversationId,
    routeActivityId: record.activityId,
    type: reply.type,
    text: reply.text ?? null,
    replyToId: reply.replyToId ?? null,
    fromId: reply.from?.id ?? null,
    recipientId: reply.recipient?.id ?? null,
    conversationId: reply.conversation?.id ?? null,
    channelId: reply.channelId ?? null,
    serviceUrl: reply.serviceUrl ?? null,
    attachments: (reply.attachments ?? []).map((a) => ({ contentType: a.contentType, valid: isAttachment(a) })),
    suggestedActions: (reply.suggestedActions?.actions ?? []).map((a) => ({ title: a.title, valid: isCardAction(a) })),
    schema: {
      fromIsChannelAccount: isChannelAccount(reply.from),
      recipientIsChannelAccount: isChannelAccount(reply.recipient),
      isKnownActivityType: Object.values(ActivityTypes).includes(reply.type),
    },
    matchesReference: {
      conversation: reply.conversation?.id === reference.conversation.id,
      bot: reply.from?.id === reference.bot.id,
      user: reply.recipient?.id === reference.user.id,
      channel: reply.channelId === reference.channelId,
      replyTo: reply.replyToId === reference.activityId,
    },
  };
}

const user = (id, name) => ({ id, name });

// ---------------------------------------------------------------------------------------------
// Scenarios. Each records what it observed; the C# tests judge.
const scenarios = {};

async function scenario(name, run) {
  try {
    scenarios[name] = await run();
  } catch (error) {
    scenarios[name] = { error: `${error.name}: ${error.message}` };
  }
}

async function main() {
  await new Promise((resolve, reject) => {
    const listener = app.listen(port, '127.0.0.1', resolve);
    listener.on('error', reject);
    main.listener = listener;
  });

  await scenario('message', async () => {
    const incoming = newActivity({ type: ActivityTypes.Message, from: user('demo-partner', 'Priya Patel'), text: 'who am I?', textFormat: 'plain' });
    const result = await send(incoming);
    const replies = (await repliesFor(incoming.conversation.id, 1)).filter((r) => r.activity.type === ActivityTypes.Message);
    return { status: result.status, sdkVerdict: result.sdkVerdict, sentActivityId: incoming.id, replies: replies.map((r) => describeReply(r, incoming)) };
  });

  await scenario('unknownUser', async () => {
    const incoming = newActivity({ type: ActivityTypes.Message, from: user('stranger-42', 'Sam Stranger'), text: 'who am I?', textFormat: 'plain' });
    const result = await send(incoming);
    const replies = (await repliesFor(incoming.conversation.id, 1)).filter((r) => r.activity.type === ActivityTypes.Message);
    return { status: result.status, replies: replies.map((r) => describeReply(r, incoming)) };
  });

  // The Bot Framework retries a delivery it got no answer to in time: the user must not get two answers.
  await scenario('redelivery', async () => {
    const incoming = newActivity({ type: ActivityTypes.Message, from: user('demo-partner-2', 'Lukas Meyer'), text: 'who am I?', textFormat: 'plain' });
    const first = await send(incoming);
    const second = await send(incoming);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const replies = received.filter((r) => r.conversationId === incoming.conversation.id && r.activity.type === ActivityTypes.Message);
    return { statuses: [first.status, second.status], replies: replies.map((r) => describeReply(r, incoming)) };
  });

  await scenario('expectReplies', async () => {
    const incoming = newActivity({
      type: ActivityTypes.Message, from: user('demo-partner-2', 'Lukas Meyer'), text: 'what can you do?', textFormat: 'plain', deliveryMode: DeliveryModes.ExpectReplies,
    });
    const result = await send(incoming);
    // Anything the bot wrongly sent through the Bot Connector would have arrived by now; wait a moment for stragglers.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const throughRoutes = received.filter((r) => r.conversationId === incoming.conversation.id);
    const activities = Array.isArray(result.body?.activities) ? result.body.activities : null;
    return {
      status: result.status,
      bodyHasActivities: activities !== null,
      replies: (activities ?? []).map((a) => describeReply({ operation: 'httpBody', conversationId: null, activityId: null, activity: a }, incoming)),
      throughRoutes: throughRoutes.length,
    };
  });

  await scenario('membersAdded', async () => {
    const incoming = newActivity({
      type: ActivityTypes.ConversationUpdate,
      from: user('demo-partner', 'Priya Patel'),
      conversation: { id: `19:peer-${randomUUID()}@thread.v2`, conversationType: 'groupChat', isGroup: true, tenantId },
      membersAdded: [botAccount, user('demo-partner', 'Priya Patel'), user('demo-manager', 'Maya Chen')],
    });
    const result = await send(incoming);
    const replies = (await repliesFor(incoming.conversation.id, 2)).filter((r) => r.activity.type === ActivityTypes.Message);
    return { status: result.status, replies: replies.map((r) => describeReply(r, incoming)) };
  });

  await scenario('invoke', async () => {
    const incoming = newActivity({
      type: ActivityTypes.Invoke,
      name: 'adaptiveCard/action',
      from: user('demo-manager', 'Maya Chen'),
      value: { action: { type: 'Action.Execute', verb: 'Help.Capabilities', data: {} }, trigger: 'manual' },
    });
    const result = await send(incoming);
    await new Promise((resolve) => setTimeout(resolve, 500));
    return { status: result.status, body: result.body, throughRoutes: received.filter((r) => r.conversationId === incoming.conversation.id).length };
  });

  // Tokens the Bot Framework would never send this bot with this activity.
  const rejected = {
    wrongAudience: { audience: randomUUID() },
    unendorsedKey: { key: otherChannelKey },
    wrongServiceUrl: { claimedServiceUrl: `http://127.0.0.1:${port === 65535 ? port - 1 : port + 1}/amer/` },
    expired: { lifetime: -3600, notBefore: -7200 },
  };
  for (const [name, tokenOptions] of Object.entries(rejected)) {
    await scenario(`token.${name}`, async () => {
      const incoming = newActivity({ type: ActivityTypes.Message, from: user('demo-partner', 'Priya Patel'), text: 'who am I?' });
      const result = await send(incoming, tokenOptions);
      await new Promise((resolve) => setTimeout(resolve, 300));
      return { status: result.status, sdkVerdict: result.sdkVerdict, throughRoutes: received.filter((r) => r.conversationId === incoming.conversation.id).length };
    });
  }

  await scenario('token.missing', async () => {
    const incoming = newActivity({ type: ActivityTypes.Message, from: user('demo-partner', 'Priya Patel'), text: 'who am I?' });
    const result = await send(incoming, undefined, { authorization: null });
    return { status: result.status, throughRoutes: received.filter((r) => r.conversationId === incoming.conversation.id).length };
  });

  // The same key is endorsed for webchat, so a webchat activity signed with it is genuine.
  await scenario('token.endorsedForWebChat', async () => {
    const incoming = newActivity({ type: ActivityTypes.Message, channelId: 'webchat', from: user('demo-partner', 'Priya Patel'), text: 'who am I?', conversation: { id: `webchat-${randomUUID()}` } });
    const result = await send(incoming);
    const replies = (await repliesFor(incoming.conversation.id, 1)).filter((r) => r.activity.type === ActivityTypes.Message);
    return { status: result.status, sdkVerdict: result.sdkVerdict, replies: replies.map((r) => describeReply(r, incoming)) };
  });

  const output = {
    peer: 'botframework-channel',
    versions: await versions(),
    serviceUrl,
    scenarios,
    tokenRequests,
    connectorAuthFailures,
  };
  writeFileSync(args.out, JSON.stringify(output, null, 2));
  main.listener.close();
  main.listener.closeAllConnections?.();
}

async function versions() {
  const { createRequire } = await import('node:module');
  const require = createRequire(import.meta.url);
  return Object.fromEntries(['botbuilder', 'botframework-connector', 'botframework-schema'].map((name) => [name, require(`${name}/package.json`).version]));
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
