/**
 * What a report's rows may be grouped by. Here rather than in reports/ because the org config
 * names one for the scheduled report, and config is read before anything else is built.
 */
export const groupings = ['department', 'agent', 'category', 'company', 'unit', 'requester'] as const;
