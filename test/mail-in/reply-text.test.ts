import { describe, expect, it } from 'vitest';
import { replyText } from '../../src/mail-in/reply-text.js';

describe('the new text of a reply', () => {
  it('cuts the quote headers of common clients, the signature and quoted lines, and keeps the rest', () => {
    expect(replyText('Works now.\n\nOn Mon, 7 Dec 2026 at 10:00, Helpdesk <help@corp.example> wrote:\n> Try again')).toBe('Works now.');
    expect(replyText('Works now.\n\nOn Mon, 7 Dec 2026 at 10:00, Helpdesk\n<help@corp.example> wrote:\n> Try again')).toBe('Works now.');
    expect(replyText('Спасибо!\n\n7 дек. 2026 г., в 10:00, Helpdesk написал(а):\n> Попробуйте')).toBe('Спасибо!');
    expect(replyText('Thanks\n\n-----Original Message-----\nFrom: Helpdesk\nSent: Monday')).toBe('Thanks');
    expect(replyText('Thanks\n\nFrom: Helpdesk <help@corp.example>\nSent: Monday, December 7, 2026\nTo: Rita')).toBe('Thanks');
    expect(replyText('Thanks\n-- \nRita, Sales\n+7 495 000-00-00')).toBe('Thanks');
    expect(replyText('> quoted first\nMy answer below the quote')).toBe('My answer below the quote');
    // A line that merely starts with "On" and ends with a colon is the person's own text.
    expect(replyText('On the second floor these printers fail:\n- HP 402\n- Canon 3')).toBe('On the second floor these printers fail:\n- HP 402\n- Canon 3');
  });
});
