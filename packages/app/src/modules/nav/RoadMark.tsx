/**
 * The Paved Road mark: a road running to the horizon, its centre line
 * dashed. Drawn in a 32×32 box so the full logo and the icon share it.
 */
export const RoadMark = ({ color }: { color: string }) => (
  <>
    <path d="M11 2h10l9 28H2z" fill={color} />
    <path
      d="M16 5v4M16 12v5M16 20v7"
      stroke="#171717"
      strokeWidth={2.2}
      strokeLinecap="round"
    />
  </>
);
