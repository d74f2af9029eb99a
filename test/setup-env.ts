import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// n8n-core's InstanceSettings writes its settings under the user folder on first use: keep them
// out of the home directory, in one folder every test run reuses.
const userFolder = join(tmpdir(), 'athena-n8n-jest');
mkdirSync(userFolder, { recursive: true });
process.env.N8N_USER_FOLDER ??= userFolder;
process.env.N8N_ENCRYPTION_KEY ??= 'athena-test-encryption-key';
