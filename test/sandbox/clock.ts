/** The sandbox's time: token expiry, rate limits, retention and processed times all read it. */
export interface SandboxClock {
	now(): number;
	/** Moves time forward by `ms`. */
	advance(ms: number): void;
	/** Jumps to `ms` (epoch milliseconds), backwards too. */
	set(ms: number): void;
}

/**
 * Manual by default so tests are deterministic; `realTime` makes it tick with the wall clock
 * (the CLI, `npm run dev`) while `advance`/`set` still shift it.
 */
export class Clock implements SandboxClock {
	private base: number;
	private wallAtBase = Date.now();

	constructor(
		private readonly start: number,
		private readonly realTime: boolean,
	) {
		this.base = start;
	}

	now(): number {
		return this.realTime ? this.base + Date.now() - this.wallAtBase : this.base;
	}

	advance(ms: number): void {
		if (!Number.isFinite(ms) || ms < 0)
			throw new RangeError(`clock.advance needs a finite ms >= 0, got ${ms}`);
		this.base += ms;
	}

	set(ms: number): void {
		if (!Number.isFinite(ms)) throw new RangeError(`clock.set needs finite epoch ms, got ${ms}`);
		this.base = ms;
		this.wallAtBase = Date.now();
	}

	reset(): void {
		this.set(this.realTime ? Date.now() : this.start);
	}
}
