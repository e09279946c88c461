// Validates Adaptive Cards with Microsoft's own Adaptive Cards library (the renderer Web Chat and
// Teams' web client build on): each card is parsed for Adaptive Card 1.5 and its properties
// validated; every event the library reports (unknown element, invalid value, duplicate id, ...) is
// an error. Reads one JSON object per line on stdin, {"id": ..., "card": {...}}, and answers one
// line per card on stdout, {"id": ..., "errors": ["..."]}.
'use strict';

const readline = require('node:readline');
// The package's "lib" folder is ESM for bundlers; its UMD build loads in node without a DOM.
const AC = require('adaptivecards/dist/adaptivecards.js');

function describe(event) {
  return `${AC.ValidationEvent[event.event] ?? event.event}: ${event.message}`;
}

function validate(json) {
  const errors = [];
  if (json === null || typeof json !== 'object' || json.type !== 'AdaptiveCard') {
    return ['not an Adaptive Card: its type must be "AdaptiveCard"'];
  }
  const version = AC.Version.parse(json.version, new AC.SerializationContext());
  if (!version || !version.isValid || version.major !== 1 || version.minor > 5) {
    errors.push(`version "${json.version}" is not 1.0–1.5 (Teams renders 1.5 at most)`);
  }
  const context = new AC.SerializationContext();
  context.targetVersion = AC.Versions.v1_5;
  const card = new AC.AdaptiveCard();
  card.parse(json, context);
  for (let i = 0; i < context.eventCount; i++) {
    errors.push(describe(context.getEventAt(i)));
  }
  const results = card.validateProperties();
  for (const event of results.validationEvents) {
    errors.push(describe(event));
  }
  return errors;
}

const lines = readline.createInterface({ input: process.stdin });
lines.on('line', (line) => {
  if (!line.trim()) return;
  let request;
  try {
    request = JSON.parse(line);
  } catch (error) {
    process.stdout.write(JSON.stringify({ id: null, errors: [`bad request line: ${error.message}`] }) + '\n');
    return;
  }
  let errors;
  try {
    errors = validate(request.card);
  } catch (error) {
    errors = [`the library could not parse the card: ${error.message}`];
  }
  process.stdout.write(JSON.stringify({ id: request.id, errors }) + '\n');
});
