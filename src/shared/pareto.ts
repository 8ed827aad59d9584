// The Pareto front of accuracy against a cost. Pure and shared: the engine
// writes the fronts into sweep.json, and the comparison view redraws the
// front for whichever cost axis the user picks.

export interface ParetoPoint {
  id: string;
  /** Higher is better. */
  accuracy: number;
  /** Lower is better. */
  cost: number;
}

/**
 * The points no other point dominates (at least as accurate and at most as
 * costly, strictly better in one), ordered by cost. Exact ties all stay.
 * Points with a non-finite value are left out.
 */
export function paretoFront(points: ParetoPoint[]): ParetoPoint[] {
  const valid = points.filter((p) => Number.isFinite(p.accuracy) && Number.isFinite(p.cost));
  const sorted = [...valid].sort((a, b) => a.cost - b.cost || b.accuracy - a.accuracy);
  const front: ParetoPoint[] = [];
  let best = -Infinity;
  let bestCost = -Infinity;
  for (const p of sorted) {
    if (p.accuracy > best) {
      front.push(p);
      best = p.accuracy;
      bestCost = p.cost;
    } else if (p.accuracy === best && p.cost === bestCost) {
      front.push(p); // an exact tie with a front point is not dominated either
    }
  }
  return front;
}
