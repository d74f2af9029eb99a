import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// Imported first by run.ts: n8n-core's InstanceSettings writes an encryption key under the user
// folder on first use; keep it out of the home directory (as test/setup-env.ts does for jest).
process.env.N8N_USER_FOLDER ??= mkdtempSync(join(tmpdir(), 'athena-bench-'));
process.env.N8N_ENCRYPTION_KEY ??= 'athena-bench-encryption-key';
