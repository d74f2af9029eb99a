import { readFileSync } from 'node:fs';

import { RECORDINGS_FILE, loadRecordings, sharedRecordingsFile } from './recordings';

describe('the recordings copy', () => {
	const shared = sharedRecordingsFile();

	(shared ? test : test.skip)('equals the shared recordings file, byte for byte', () => {
		expect(readFileSync(RECORDINGS_FILE, 'utf8')).toBe(readFileSync(shared!, 'utf8'));
	});

	test('holds well-formed entries with unique ids', () => {
		const recordings = loadRecordings();
		expect(recordings.length).toBeGreaterThan(0);
		expect(new Set(recordings.map((entry) => entry.id)).size).toBe(recordings.length);
		for (const entry of recordings) {
			expect(entry).toMatchObject({
				id: expect.any(String),
				request: { method: expect.any(String), path: expect.any(String) },
				status: expect.any(Number),
				body: expect.any(String),
			});
		}
	});
});
