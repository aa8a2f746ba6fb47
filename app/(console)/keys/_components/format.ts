// Kept for the keys pages' imports; the formatting lives with the other date helpers.
export { exactTime, relativeTime } from "@/components/charts/time-format";
