import { Types } from 'mongoose';
import { beforeAll, describe, expect, it } from 'vitest';
import { departmentDigest } from '../../src/notify/department-digest.js';
import { useTestDatabase } from '../support/database.js';
import { berlin, REPORT_NOW, REPORT_ZONE, seedReportDataset } from '../support/report-dataset.js';

const db = useTestDatabase('department_digest');

beforeAll(async () => {
  await seedReportDataset(db.current.models);
  // Beside ticket 8 (waiting since after its due date), one that began to wait before its due date.
  const tickets = db.current.models.Ticket.collection;
  const eight = await tickets.findOne({ number: 8 });
  await tickets.insertOne({
    ...eight!,
    _id: new Types.ObjectId(),
    number: 12,
    createdAt: berlin('2026-11-10 09:00'),
    metrics: { ...eight!.metrics, firstResponseAt: berlin('2026-11-10 09:30') },
    sla: { ...eight!.sla, firstResponseDue: berlin('2026-11-10 13:00'), resolutionDue: berlin('2026-11-12 09:00'), resolutionBreached: false, pausedAt: berlin('2026-11-11 10:00') },
  });
});

describe("a department's digest counts", () => {
  it('counts as overdue what the reports do: a ticket waiting since before its due date is not', async () => {
    const { counts, overdue } = await departmentDigest(db.current.models, 'it', REPORT_NOW, '2026-12-05', REPORT_ZONE);
    // Open in IT: 3 (late), 6 and 10 (unanswered past the first-response due date), 8 and 12 (waiting).
    expect(counts.open).toBe(5);
    // 12's clock stopped a day before its due date; 8's had run out before it began to wait.
    expect(counts.overdue).toBe(4);
    expect(overdue.map((ticket) => ticket.number)).not.toContain(12);
  });
});
