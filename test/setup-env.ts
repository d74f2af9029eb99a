import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// n8n-core's InstanceSettings writes an encryption key under the user folder on first use:
// keep it out of the home directory and apart per test worker.
process.env.N8N_USER_FOLDER ??= mkdtempSync(join(tmpdir(), 'athena-n8n-'));
process.env.N8N_ENCRYPTION_KEY ??= 'athena-test-encryption-key';
