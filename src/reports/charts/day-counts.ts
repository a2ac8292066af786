/** One day of ticket activity, as the report queries aggregate it. */
export interface DayCounts {
  /** Local date YYYY-MM-DD in the org's time zone. */
  date: string;
  created: number;
  resolved: number;
  /** Share 0..1 of first-response / resolution targets met among tickets created that day; null when none was decided. */
  firstResponseCompliance: number | null;
  resolutionCompliance: number | null;
}

/** Texts already translated by the caller. */
export interface ChartText {
  /** e.g. "Created vs resolved, 1–30 Nov 2026". */
  title: string;
  /** Legend of the created bars. */
  created: string;
  /** Legend of the resolved bars. */
  resolved: string;
  /** Legend for the compliance line, e.g. "First response SLA". */
  firstResponseSla: string;
  resolutionSla: string;
  /** 'en' | 'ru' ..., for date labels on the x axis (e.g. "3 Nov" / "3 нояб."). */
  locale: string;
}
