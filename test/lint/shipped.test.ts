// `npm run lint`'s first leg (scripts/verify/eslint.shipped.config.mjs) on code written as if it
// were in nodes/: the scanner's rules and the project's own apply, and a disable comment hides
// nothing (the scanner ignores those too). ESLint runs in a child process, as npm run lint runs it.
import { execFile } from 'node:child_process';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');

interface Message {
	ruleId: string | null;
	severity: number;
}

function lint(code: string, filePath: string): Promise<Message[]> {
	return new Promise((resolve, reject) => {
		const child = execFile(
			'npx',
			[
				'eslint',
				'-c',
				'scripts/verify/eslint.shipped.config.mjs',
				'--stdin',
				'--stdin-filename',
				filePath,
				'-f',
				'json',
			],
			{ cwd: root },
			(error, stdout) => {
				try {
					resolve((JSON.parse(stdout) as Array<{ messages: Message[] }>)[0].messages);
				} catch {
					reject(error ?? new Error(stdout));
				}
			},
		);
		child.stdin!.end(code);
	});
}

test('shipped code: scanner rules and project rules are errors, and a disable comment hides none', async () => {
	const code = [
		"import { makeNode } from '../../test/harness/n8n';",
		'// eslint-disable-next-line no-console',
		"console.log('patient 12');",
		'export const node = makeNode;',
		'',
	].join('\n');
	const errors = (await lint(code, 'nodes/Athenahealth/probe.ts')).filter(
		(message) => message.severity === 2,
	);
	expect(errors.map((message) => message.ruleId).sort()).toEqual([
		'no-console',
		'no-restricted-imports',
	]);
});
