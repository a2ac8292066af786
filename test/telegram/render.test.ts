import { Types } from 'mongoose';
import { describe, expect, it } from 'vitest';
import { renderCard } from '../../bots/telegram/ui/card.js';
import { renderNotice } from '../../bots/telegram/ui/notice.js';
import { translator } from '../../bots/telegram/ui/translator.js';
import type { JournalEvent } from '../../src/db/models/journal-event.js';
import type { Ticket } from '../../src/db/models/ticket.js';
import { defaultLocalesDir } from '../../src/i18n/locales-dir.js';
import { loadI18n } from '../../src/i18n/translate.js';

const i18n = loadI18n(defaultLocalesDir(), 'en');
const en = translator(i18n, 'en');
const ru = translator(i18n, 'ru');

function ticket(overrides: Partial<Ticket> = {}): Ticket {
  const id = new Types.ObjectId();
  return {
    _id: id,
    number: 1042,
    title: 'VPN <drops>',
    description: 'VPN <drops>\nEvery hour & more',
    requesterId: new Types.ObjectId(),
    requester: { name: 'Rita', company: 'Acme', unit: 'Sales', phone: '+7 900' },
    department: 'it',
    category: 'access',
    priority: 'high',
    status: 'in_progress',
    assigneeId: new Types.ObjectId(),
    assigneeName: 'Ivan',
    watchers: [],
    tags: [],
    source: 'telegram',
    attachments: [],
    sla: {
      firstResponseDue: new Date('2026-11-23T09:00:00Z'),
      resolutionDue: new Date('2026-11-24T15:30:00Z'),
      firstResponseBreached: false,
      resolutionBreached: true,
      pausedAt: null,
      pausedBusinessSeconds: 0,
      pausedWallSeconds: 0,
      firstResponseRemindedAt: null,
      resolutionRemindedAt: null,
      firstResponseEscalatedAt: null,
      resolutionEscalatedAt: null,
      nextStepAt: null,
    },
    metrics: {
      firstResponseAt: null,
      firstResponseSeconds: null,
      firstResponseBusinessSeconds: null,
      resolvedAt: null,
      resolutionSeconds: null,
      resolutionBusinessSeconds: null,
      reopenCount: 0,
      createdHourOfWeek: 0,
    },
    rating: null,
    publicKeywords: [],
    staffKeywords: [],
    commentCount: 0,
    version: 3,
    createdAt: new Date('2026-11-23T07:00:00Z'),
    updatedAt: new Date('2026-11-23T07:00:00Z'),
    closedAt: null,
    ...overrides,
  };
}

function event(type: JournalEvent['type'], overrides: Partial<JournalEvent> = {}): JournalEvent {
  return {
    _id: new Types.ObjectId(),
    ticketId: new Types.ObjectId(),
    ticketNumber: 1042,
    seq: 3,
    type,
    actorId: new Types.ObjectId(),
    actorName: 'Ivan <Admin>',
    at: new Date('2026-11-23T08:15:00Z'),
    before: {},
    after: {},
    text: null,
    internal: false,
    attachments: [],
    via: 'telegram',
    change: { set: [], addPublicKeywords: [], addStaffKeywords: [] },
    ...overrides,
  };
}

describe('card and notice rendering', () => {
  it('shows the SLA due times in the org time zone, marking a breach', () => {
    const card = renderCard(en, { ticket: ticket(), lastEvent: event('taken'), requesterTicketCount: 4, departmentName: 'IT', locale: 'en' }, {
      categoryName: 'Access',
      departmentName: (key) => key,
      timeZone: 'Europe/Moscow',
    });
    expect(card.value).toContain('⏰ first response by 23 Nov, 12:00');
    expect(card.value).toContain('⏰ resolve by 24 Nov, 18:30 ⚠️');
    expect(card.value).toContain('<b>Ivan &lt;Admin&gt;</b> took the ticket');
    expect(card.value).toContain('earlier tickets: 4');
    expect(card.value).toContain('VPN &lt;drops&gt;');
    const ruCard = renderCard(ru, { ticket: ticket({ status: 'resolved' }), lastEvent: event('status_changed', { after: { status: 'resolved' } }), requesterTicketCount: 0, departmentName: 'ИТ', locale: 'ru' }, {
      categoryName: null,
      departmentName: (key) => key,
      timeZone: 'Europe/Moscow',
    });
    expect(ruCard.value).toContain('статус — решена');
    expect(ruCard.value).not.toContain('⏰');
  });

  it('never renders an internal note for a requester, and offers a rating only when it applies', () => {
    const names = (key: string) => key;
    expect(renderNotice(en, { ticket: ticket(), event: event('noted', { internal: true, text: 'secret' }), locale: 'en', audience: 'requester' }, names)).toBeNull();
    const resolved = renderNotice(en, { ticket: ticket({ status: 'resolved' }), event: event('status_changed', { after: { status: 'resolved' } }), locale: 'en', audience: 'requester' }, names)!;
    expect(resolved.rating).toBe(true);
    expect(resolved.blocks[0]!.value).toContain('was resolved by Ivan &lt;Admin&gt;');
    const rated = ticket({ status: 'closed', rating: { score: 4, comment: null, at: new Date() } });
    expect(renderNotice(en, { ticket: rated, event: event('status_changed', { after: { status: 'closed' } }), locale: 'en', audience: 'requester' }, names)!.rating).toBe(false);
    const toAgent = renderNotice(ru, { ticket: ticket(), event: event('replied', { text: 'Ответ <b>' }), locale: 'ru', audience: 'assignee' }, names)!;
    expect(toAgent.blocks[0]!.value).toContain('<blockquote>Ответ &lt;b&gt;</blockquote>');
    expect(toAgent.rating).toBe(false);
  });
});
