import { formatCount } from "@/components/charts/time-format";

/**
 * A key's requests per day over the last 30 days (oldest first), as a small inline SVG: cheap enough for
 * every row of the key list. Data comes from getSparklines (one query for the whole page).
 */
export function Sparkline({
  values,
  width = 96,
  height = 24,
  className,
}: {
  values: number[];
  width?: number;
  height?: number;
  className?: string;
}) {
  const total = values.reduce((a, b) => a + b, 0);
  const label = `${formatCount(total)} requests in the last ${values.length} days`;
  if (total === 0) {
    return (
      <span className={className} title={label}>
        <span className="sr-only">{label}</span>
        <svg aria-hidden width={width} height={height} viewBox={`0 0 ${width} ${height}`}>
          <line x1={0} x2={width} y1={height - 1.5} y2={height - 1.5} stroke="#cbd5e1" strokeWidth={1} strokeDasharray="2 3" />
        </svg>
      </span>
    );
  }
  const max = Math.max(...values, 1);
  const step = values.length > 1 ? width / (values.length - 1) : width;
  const y = (v: number) => height - 1.5 - (v / max) * (height - 3);
  const points = values.map((v, i) => `${(i * step).toFixed(1)},${y(v).toFixed(1)}`).join(" ");
  return (
    <span className={className} title={label}>
      <span className="sr-only">{label}</span>
      <svg aria-hidden width={width} height={height} viewBox={`0 0 ${width} ${height}`} data-testid="sparkline">
        <polygon points={`0,${height} ${points} ${width},${height}`} fill="#e0e7ff" />
        <polyline points={points} fill="none" stroke="#4f46e5" strokeWidth={1.5} strokeLinejoin="round" />
      </svg>
    </span>
  );
}
