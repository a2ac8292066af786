import { priorities, type Ticket } from '../../../src/db/models/ticket.js';
import { option, plain, section, type Block } from './blocks.js';
import { escapeMrkdwn, truncate, VIEW_TITLE_MAX } from './mrkdwn.js';
import type { Translator } from './translator.js';

/** Callback ids of the app's modals. */
export const modal = {
  newTicket: 'ticket.new',
  comment: 'ticket.comment',
  priority: 'ticket.priority',
  transfer: 'ticket.transfer',
} as const;

/** A plain_text_input's most characters (Slack's limit). */
export const INPUT_MAX = 3000;
export const MAX_FILES = 10;

export interface DepartmentChoice {
  key: string;
  name: string;
  categories: { key: string; name: string }[];
}

function view(tr: Translator, callbackId: string, title: string, blocks: Block[], metadata: object, submit = 'slack.modal.submit'): Block {
  return {
    type: 'modal',
    callback_id: callbackId,
    title: plain(truncate(title, VIEW_TITLE_MAX), VIEW_TITLE_MAX),
    submit: plain(tr.t(submit), VIEW_TITLE_MAX),
    close: plain(tr.t('slack.modal.cancel'), VIEW_TITLE_MAX),
    private_metadata: JSON.stringify(metadata),
    blocks,
  };
}

function input(blockId: string, label: string, element: Block, optional = false, hint?: string): Block {
  return { type: 'input', block_id: blockId, label: plain(label, 2000), optional, element: { action_id: 'value', ...element }, ...(hint ? { hint: plain(hint, 2000) } : {}) };
}

function filesInput(tr: Translator): Block {
  return input('files', tr.t('slack.modal.files'), { type: 'file_input', max_files: MAX_FILES }, true);
}

/** Where a ticket opened from a message came from, to link back to it. */
export interface SourceMessage {
  channel: string;
  ts: string;
}

export interface NewTicketMetadata {
  from?: SourceMessage;
}

/**
 * The "new ticket" modal: department, category (grouped by department, checked against the
 * department on submit), title, description, priority for staff, files.
 */
export function newTicketModal(
  tr: Translator,
  departments: DepartmentChoice[],
  options: { withPriority: boolean; description?: string; metadata?: NewTicketMetadata },
): Block {
  const groups = departments
    .filter((department) => department.categories.length)
    .slice(0, 100)
    .map((department) => ({
      label: plain(truncate(department.name, 75), 75),
      options: department.categories.slice(0, 100).map((category) => option(category.name, `${department.key}/${category.key}`)),
    }));
  const description: Block = { type: 'plain_text_input', multiline: true, max_length: INPUT_MAX };
  if (options.description) description.initial_value = truncate(options.description, INPUT_MAX);
  const blocks: Block[] = [
    input('department', tr.t('slack.modal.department'), { type: 'static_select', options: departments.slice(0, 100).map((d) => option(d.name, d.key)) }),
    ...(groups.length ? [input('category', tr.t('slack.modal.category'), { type: 'static_select', option_groups: groups }, true)] : []),
    input('title', tr.t('slack.modal.title'), { type: 'plain_text_input', max_length: 200 }, true, tr.t('slack.modal.title_hint')),
    input('description', tr.t('slack.modal.description'), description),
  ];
  if (options.withPriority) {
    blocks.push(
      input('priority', tr.t('slack.modal.priority'), {
        type: 'static_select',
        options: priorities.map((priority) => option(tr.t(`priority.${priority}`), priority)),
        initial_option: option(tr.t('priority.normal'), 'normal'),
      }),
    );
  }
  blocks.push(filesInput(tr));
  return view(tr, modal.newTicket, tr.t('slack.modal.new_title'), blocks, options.metadata ?? {});
}

export interface TicketModalMetadata {
  number: number;
  kind?: 'reply' | 'note';
}

/** Reply (public) or note (internal) on a ticket, with files. */
export function commentModal(tr: Translator, ticket: Ticket, kind: 'reply' | 'note'): Block {
  return view(
    tr,
    modal.comment,
    tr.t(`slack.modal.${kind}_title`, { number: ticket.number }),
    [
      section(tr.t(`slack.modal.${kind}_intro`, { number: ticket.number, title: escapeMrkdwn(truncate(ticket.title, 200)) })),
      input('text', tr.t(`slack.modal.${kind}_label`), { type: 'plain_text_input', multiline: true, max_length: INPUT_MAX }),
      filesInput(tr),
    ],
    { number: ticket.number, kind } satisfies TicketModalMetadata,
  );
}

export function priorityModal(tr: Translator, ticket: Ticket): Block {
  const current = ticket.priority;
  return view(
    tr,
    modal.priority,
    tr.t('slack.modal.priority_title', { number: ticket.number }),
    [
      input('priority', tr.t('slack.modal.priority'), {
        type: 'static_select',
        options: priorities.map((priority) => option(tr.t(`priority.${priority}`), priority)),
        initial_option: option(tr.t(`priority.${current}`), current),
      }),
    ],
    { number: ticket.number } satisfies TicketModalMetadata,
  );
}

/** Another department, or a person of the ticket's department (or both: transfer, then assign). */
export function transferModal(tr: Translator, ticket: Ticket, departments: { key: string; name: string }[], staff: { id: string; name: string }[]): Block {
  const others = departments.filter((department) => department.key !== ticket.department).slice(0, 100);
  const blocks: Block[] = [section(tr.t('slack.modal.transfer_intro', { number: ticket.number }))];
  if (others.length) blocks.push(input('department', tr.t('slack.modal.department'), { type: 'static_select', options: others.map((d) => option(d.name, d.key)) }, true));
  if (staff.length) blocks.push(input('assignee', tr.t('slack.modal.assignee'), { type: 'static_select', options: staff.slice(0, 100).map((p) => option(p.name, p.id)) }, true));
  return view(tr, modal.transfer, tr.t('slack.modal.transfer_title', { number: ticket.number }), blocks, { number: ticket.number } satisfies TicketModalMetadata);
}
