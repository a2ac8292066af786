export { formatBytes } from '../../../src/i18n/format-bytes.js';
export { bodyAfterTitle } from '../../../src/tickets/body-after-title.js';
