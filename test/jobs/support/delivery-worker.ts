// A helpdesk delivery worker in a process of its own, for the crash test: it runs the outbox's
// jobs against MONGODB_URI and delivers to the HTTP platform at PLATFORM_URL until killed.
import pino from 'pino';
import { connectDatabase } from '../../../src/db/connection.js';
import { createBackgroundJobs } from '../../../src/jobs/background-jobs.js';
import { ChannelRegistry } from '../../../src/notify/channel.js';
import { createEventDelivery } from '../../../src/notify/deliver-event.js';
import { HttpChannel } from '../../support/http-channel.js';

const logger = pino({ level: 'warn' });
const clock = () => new Date();
const db = await connectDatabase(process.env.MONGODB_URI!);
const channels = new ChannelRegistry();
channels.register(new HttpChannel(process.env.PLATFORM_URL!));
const delivery = createEventDelivery({ models: db.models, channels, logger, locale: 'en', clock, leaseMs: 2000 });
const jobs = createBackgroundJobs({ db, delivery, logger, clock, processEveryMs: 100, lockLifetimeMs: 2000, deliveryLeaseMs: 2000, deliveryRetry: { baseDelayMs: 100, maxDelayMs: 500 } });
await jobs.start();
process.send?.('started');
