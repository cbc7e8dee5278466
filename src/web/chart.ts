/** A line chart of (time, value) points on a canvas: the topic view's numbers and the $SYS rates. */
export interface Point {
  at: number;
  value: number;
}

const PAD = 28;

export function drawChart(canvas: HTMLCanvasElement, points: readonly Point[], label: string): void {
  const ratio = window.devicePixelRatio || 1;
  const width = canvas.clientWidth;
  const height = canvas.clientHeight;
  if (canvas.width !== width * ratio || canvas.height !== height * ratio) {
    canvas.width = width * ratio;
    canvas.height = height * ratio;
  }
  const g = canvas.getContext('2d');
  if (g === null) return;
  g.setTransform(ratio, 0, 0, ratio, 0, 0);
  g.clearRect(0, 0, width, height);
  const style = getComputedStyle(canvas);
  g.fillStyle = style.color;
  g.font = '11px system-ui, sans-serif';
  g.fillText(label, PAD, 12);
  if (points.length === 0) return;
  let min = Infinity;
  let max = -Infinity;
  for (const p of points) {
    min = Math.min(min, p.value);
    max = Math.max(max, p.value);
  }
  if (min === max) {
    min -= 1;
    max += 1;
  }
  const first = points[0]!.at;
  const span = Math.max(1, points[points.length - 1]!.at - first);
  const x = (at: number): number => PAD + ((at - first) / span) * (width - PAD - 6);
  const y = (value: number): number => height - 14 - ((value - min) / (max - min)) * (height - 34);
  g.fillText(formatNumber(max), 2, y(max) + 4);
  g.fillText(formatNumber(min), 2, y(min) + 4);
  g.strokeStyle = style.getPropertyValue('--accent') || '#2a7';
  g.lineWidth = 1.5;
  g.beginPath();
  points.forEach((p, i) => (i === 0 ? g.moveTo(x(p.at), y(p.value)) : g.lineTo(x(p.at), y(p.value))));
  g.stroke();
}

function formatNumber(n: number): string {
  return Math.abs(n) >= 1000 ? n.toExponential(1) : String(Math.round(n * 100) / 100);
}
