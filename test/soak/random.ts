/** A small seeded generator, so a soak run with the same seed makes the same choices. */
export class Random {
	private state: number;

	constructor(seed: number) {
		this.state = seed >>> 0;
	}

	/** [0, 1) */
	next(): number {
		this.state = (this.state + 0x6d2b79f5) >>> 0;
		let t = this.state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	}

	/** A whole number in [min, max]. */
	int(min: number, max: number): number {
		return min + Math.floor(this.next() * (max - min + 1));
	}

	pick<T>(list: readonly T[]): T {
		return list[Math.floor(this.next() * list.length)];
	}

	chance(p: number): boolean {
		return this.next() < p;
	}

	/** `count` distinct entries of `list` (all of them when count >= length), in list order. */
	sample<T>(list: readonly T[], count: number): T[] {
		if (count >= list.length) return [...list];
		const chosen = new Set<number>();
		while (chosen.size < count) chosen.add(Math.floor(this.next() * list.length));
		return [...chosen].sort((a, b) => a - b).map((index) => list[index]);
	}

	/** A hex string of `length` characters. */
	hex(length: number): string {
		let out = '';
		while (out.length < length) out += Math.floor(this.next() * 16).toString(16);
		return out;
	}
}
