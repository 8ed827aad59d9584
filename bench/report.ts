// The bench's table.
export interface Row {
  name: string;
  value: number;
  unit: string;
  note?: string;
}

export function printReport(rows: Row[]): void {
  const width = Math.max(...rows.map((r) => r.name.length));
  console.log(`\n${'benchmark'.padEnd(width)}  ${'value'.padStart(10)}  unit   note`);
  console.log('-'.repeat(width + 30));
  for (const r of rows) {
    const value = Number.isFinite(r.value) ? (r.value >= 100 ? r.value.toFixed(0) : r.value.toFixed(2)) : '—';
    console.log(`${r.name.padEnd(width)}  ${value.padStart(10)}  ${r.unit.padEnd(5)}  ${r.note ?? ''}`);
  }
}
