// The n8n starter's formatting: tabs, single quotes, trailing commas, 100 columns.
// `npm run format` rewrites, `npm run format:check` only reports (https://prettier.io/docs/options).
module.exports = {
	semi: true,
	singleQuote: true,
	quoteProps: 'as-needed',
	trailingComma: 'all',
	bracketSpacing: true,
	arrowParens: 'always',
	useTabs: true,
	tabWidth: 2,
	printWidth: 100,
	endOfLine: 'lf',
};
