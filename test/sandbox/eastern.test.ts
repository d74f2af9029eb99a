import { formatEastern, parseEastern } from './eastern';

test('formats and parses US Eastern wall time, standard and daylight', () => {
	expect(formatEastern(Date.UTC(2025, 0, 15, 15, 0, 0))).toBe('01/15/2025 10:00:00');
	expect(formatEastern(Date.UTC(2025, 6, 4, 16, 0, 0, 999))).toBe('07/04/2025 12:00:00');
	expect(parseEastern('01/15/2025 10:00:00')).toBe(Date.UTC(2025, 0, 15, 15));
	expect(parseEastern('07/04/2025 12:00:00')).toBe(Date.UTC(2025, 6, 4, 16));
});

test('DST edges follow luxon: skipped times move forward, repeated ones are standard time', () => {
	expect(parseEastern('03/09/2025 02:30:00')).toBe(Date.UTC(2025, 2, 9, 7, 30));
	expect(parseEastern('11/02/2025 01:30:00')).toBe(Date.UTC(2025, 10, 2, 6, 30));
});

test.each([
	'2025-01-15 10:00:00',
	'1/15/2025 10:00:00',
	'01/15/2025',
	'13/01/2025 10:00:00',
	'01/15/2025 24:00:00',
	'',
])('refuses %p', (text) => {
	expect(parseEastern(text)).toBeUndefined();
});
