/**
 * The records a poll may still read, shared by the batches running at once. A call reserves its
 * `limit` before it is sent and gives back what the page did not use, so parallel calls never ask
 * for more than the maximum per poll in total.
 */
export class Allowance {
	private inFlight = 0;
	private waiters: Array<() => void> = [];

	constructor(private free: number) {}

	/** Reserves up to `cap` records; 0 when none are free right now. */
	take(cap: number): number {
		const taken = Math.min(cap, this.free);
		if (taken <= 0) return 0;
		this.free -= taken;
		this.inFlight++;
		return taken;
	}

	/** A reserved call answered with `used` records. */
	settle(taken: number, used: number): void {
		this.free += taken - used;
		this.inFlight--;
		for (const wake of this.waiters.splice(0)) wake();
	}

	/** Records that arrived without a reservation (replays). */
	spend(count: number): void {
		this.free -= count;
	}

	/**
	 * A reservation, waiting for calls in flight to give records back when none are free;
	 * 0 when the maximum is reached.
	 */
	async reserve(cap: number, stopped: () => boolean): Promise<number> {
		let taken = this.take(cap);
		while (taken === 0 && this.inFlight > 0 && !stopped()) {
			await new Promise<void>((resolve) => this.waiters.push(resolve));
			taken = this.take(cap);
		}
		return taken;
	}
}
