/** Sizes that keep a ticket renderable in every chat (Telegram cards, Slack blocks, e-mail subjects). */
export const limits = {
  title: 200,
  text: 20_000,
  tags: 20,
  ratingComment: 2_000,
  pageSize: 100,
} as const;

/** The first non-empty line of a description, as a title. */
export function titleFromDescription(description: string): string {
  const firstLine = description.split('\n').find((line) => line.trim().length > 0) ?? '';
  return firstLine.trim().slice(0, limits.title);
}
