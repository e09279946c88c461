// Validates a Teams app manifest with Microsoft's @microsoft/app-manifest, offline: the package
// carries the schema of every manifest version and picks it by the manifest's $schema.
// Usage: node validate-manifest.mjs <manifest.json>; prints a JSON array of errors (empty when valid).
import { readFileSync } from 'node:fs';
import { AppManifestUtils } from '@microsoft/app-manifest';

const manifest = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const errors = await AppManifestUtils.validateAgainstSchema(manifest);
process.stdout.write(JSON.stringify(errors));
