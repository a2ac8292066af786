# syntax=docker/dockerfile:1
# Build stage: compile TypeScript with the dev dependencies.
FROM node:24-bookworm-slim AS build
WORKDIR /app
ENV MONGOMS_DISABLE_POSTINSTALL=1
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY bots ./bots
RUN npm run build

# Runtime stage: production dependencies only (no tsx, esbuild or mongodb-memory-server: the
# image runs the compiled app against MONGODB_URI) and the compiled app, as a non-root user.
FROM node:24-bookworm-slim AS runtime
# A young generation of 16 MiB per half: V8 would grow it to 64 MiB under load, memory a
# helpdesk's traffic does not need (BENCHMARKS.md, relay: about 90 MiB less at the peak, no
# slower); fixed, so after a quiet spell gave its pages back it need not regrow (README, Memory).
ENV NODE_ENV=production \
    NODE_OPTIONS="--max-semi-space-size=16 --min-semi-space-size=16" \
    MONGOMS_DISABLE_POSTINSTALL=1 \
    PORT=3000 \
    HELPDESK_CONFIG=/config/helpdesk.yaml
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY locales ./locales
# Fonts for the report charts (the slim image has none).
COPY assets ./assets
COPY examples ./examples
RUN mkdir -p /config /app/data && cp examples/helpdesk.yaml /config/helpdesk.yaml && chown -R node:node /app/data /config
USER node
EXPOSE 3000
# No curl in slim images: Node itself asks /healthz.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
STOPSIGNAL SIGTERM
CMD ["node", "dist/src/cli/index.js", "start"]
