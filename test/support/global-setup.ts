// Minimal version: uses MONGODB_URI. (Embedded fallback to be added.)
export default function setup(): void {
  if (!process.env.MONGODB_URI) throw new Error('set MONGODB_URI');
}
